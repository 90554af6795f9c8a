"""Bad and fixed code for the statement-shape findings, most of it verbatim from the seed notes.

``# call`` marks the line that runs the statement; ``# origin`` the line a
finding must send you to. Each case is (name, bad, fixed, kind, severity,
text the fix must contain, text the SQL fragment must contain).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q

from tests import scenarios
from tests.testapp.models import (
    Ban,
    Blog,
    Category,
    Comment,
    Company,
    Member,
    Pizza,
    Post,
    Product,
    Restaurant,
    Topping,
)


class Case(NamedTuple):
    name: str
    bad: Callable[[], None]
    fixed: Callable[[], None]
    kind: str
    severity: str
    fix: str
    fragment: str


def seed() -> None:
    scenarios.seed()
    for c in range(2):
        company = Company.objects.create(name=f"company_name{c + 1}")
        for p in range(3):
            Product.objects.create(name=f"product_name{p + 1}", product_owned_company=company)
    Company.objects.create(name="company_name34")


# unexpected_subquery ---------------------------------------------------------


def in_queryset_bad() -> None:
    blog_queryset = Blog.objects.filter(id="1").values_list("id", flat=True)
    _ = list(blog_queryset)  # the ids, fetched on their own
    category_queryset = Category.objects.filter(blog__id__in=blog_queryset)  # origin
    _ = list(category_queryset)  # call


def in_queryset_fixed() -> None:
    blog_queryset = list(Blog.objects.filter(id="1").values_list("id", flat=True))
    _ = list(blog_queryset)
    category_queryset = Category.objects.filter(blog__id__in=blog_queryset)
    _ = list(category_queryset)


def in_queryset_inline_quiet() -> None:
    # The lazy queryset runs once, inside the statement: the cheap way, no finding.
    blogs = Category.objects.filter(blog__in=Blog.objects.filter(name__startswith="김"))
    _ = [c.name for c in blogs]


def exclude_reverse_bad() -> None:
    category_queryset = Category.objects.filter(name__contains="modi").exclude(post__title__contains="quid")  # origin  # fmt: skip  # noqa: E501
    _ = list(category_queryset)  # call


def exclude_reverse_fixed() -> None:
    category_queryset = Category.objects.filter(name__contains="modi").filter(
        ~Exists(Post.objects.filter(category=OuterRef("pk"), title__contains="quid"))
    )
    _ = list(category_queryset)


def not_q_reverse_bad() -> None:
    category_queryset = Category.objects.filter(~Q(post__title__contains="quid"))  # origin
    _ = list(category_queryset)  # call


def not_q_reverse_fixed() -> None:
    # Seed 001 2-3: keep the categories, leave the matching posts out of the prefetch.
    category_queryset = Category.objects.prefetch_related(
        Prefetch("post", queryset=Post.objects.exclude(title__contains="quid"))
    ).filter(name__contains="modi")
    _ = [p.title for c in category_queryset for p in c.post.all()]


def exclude_m2m_bad() -> None:
    _ = list(Pizza.objects.exclude(toppings__name="ham"))  # call origin


def exclude_m2m_fixed() -> None:
    _ = list(
        Pizza.objects.filter(~Exists(Topping.objects.filter(pizza=OuterRef("pk"), name="ham")))
    )


def exclude_through_bad() -> None:
    _ = list(Member.objects.exclude(banning__username="u1"))  # call origin


def exclude_through_fixed() -> None:
    banned_u1 = Member.objects.filter(banned=OuterRef("pk"), username="u1")
    _ = list(Member.objects.filter(~Exists(banned_u1)))


def exclude_generic_bad() -> None:
    _ = list(Post.objects.exclude(comments__text="좋아요"))  # call origin


def exclude_generic_fixed() -> None:
    post_type = ContentType.objects.get_for_model(Post)
    liked = Comment.objects.filter(object_id=OuterRef("pk"), content_type=post_type, text="좋아요")
    _ = list(Post.objects.filter(~Exists(liked)))


# unexpected_join -------------------------------------------------------------


def repeat_bad() -> None:
    category_queryset = Category.objects.filter(name__contains="modi", post__title__contains="quid")  # origin  # fmt: skip  # noqa: E501
    _ = list(category_queryset)  # call


def repeat_fixed() -> None:
    category_queryset = Category.objects.filter(
        name__contains="modi", post__title__contains="quid"
    ).distinct()
    _ = list(category_queryset)


def repeat_exists_fixed() -> None:
    quid = Post.objects.filter(category=OuterRef("pk"), title__contains="quid")
    _ = list(Category.objects.filter(Exists(quid), name__contains="modi"))


def order_by_reverse_bad() -> None:
    _ = list(Category.objects.order_by("post__title"))  # call origin


def order_by_reverse_fixed() -> None:
    _ = list(Category.objects.annotate(post_title=Min("post__title")).order_by("post_title"))


def or_self_join_bad() -> None:
    user = Member.objects.get(username="u1")
    _ = list(Member.objects.filter(Q(banning=user) | Q(banned=user)))  # call origin


def or_self_join_fixed() -> None:
    user = Member.objects.get(username="u1")
    banning = Exists(Ban.objects.filter(user_from=OuterRef("pk"), user_to=user))
    banned = Exists(Ban.objects.filter(user_to=OuterRef("pk"), user_from=user))
    _ = list(Member.objects.filter(banning | banned))


def explosion_bad() -> None:
    _ = list(Pizza.objects.filter(toppings__name="ham", restaurants__name="r0"))  # call origin


def explosion_fixed() -> None:
    ham = Topping.objects.filter(pizza=OuterRef("pk"), name="ham")
    r0 = Restaurant.objects.filter(pizzas=OuterRef("pk"), name="r0")
    _ = list(Pizza.objects.filter(Exists(ham), Exists(r0)))


def aggregates_bad() -> None:
    pizzas = Pizza.objects.annotate(n_toppings=Count("toppings"), n_places=Count("restaurants"))  # origin  # fmt: skip  # noqa: E501
    _ = [(p.n_toppings, p.n_places) for p in pizzas]  # call


def aggregates_fixed() -> None:
    pizzas = Pizza.objects.annotate(
        n_toppings=Count("toppings", distinct=True), n_places=Count("restaurants", distinct=True)
    )
    _ = [(p.n_toppings, p.n_places) for p in pizzas]


def count_then_filter_bad() -> None:
    categories = Category.objects.annotate(n=Count("post")).filter(post__title__contains="quid")  # origin  # fmt: skip  # noqa: E501
    _ = [c.n for c in categories]  # call


def count_then_filter_fixed() -> None:
    categories = Category.objects.filter(post__title__contains="quid").annotate(n=Count("post"))
    _ = [c.n for c in categories]


def two_filters_bad() -> None:
    blogs = Blog.objects.filter(category__name="modi 0").filter(category__post__title="quid 00")  # origin  # fmt: skip  # noqa: E501
    _ = list(blogs)  # call


def two_filters_fixed() -> None:
    named = Category.objects.filter(blog=OuterRef("pk"), name="modi 0")
    with_post = Category.objects.filter(blog=OuterRef("pk"), post__title="quid 00")
    _ = list(Blog.objects.filter(Exists(named)).filter(Exists(with_post)))


# prefetch_double_fetch -------------------------------------------------------


def double_fetch_bad() -> None:
    blog_queryset = Blog.objects.prefetch_related("category").filter(name__contains="김영희", category__name__contains="modi")  # origin  # fmt: skip  # noqa: E501
    _ = [c.name for blog in blog_queryset for c in blog.category.all()]  # call


def double_fetch_fixed() -> None:
    blog_queryset = Blog.objects.filter(name__contains="김영희").prefetch_related(
        Prefetch("category", queryset=Category.objects.filter(name__contains="modi"))
    )
    _ = [c.name for blog in blog_queryset for c in blog.category.all()]


def double_fetch_company_bad() -> None:
    company_qs = Company.objects.prefetch_related("product_set").filter(name="company_name1").filter(product__name="product_name3")  # origin  # fmt: skip  # noqa: E501
    company_list = list(company_qs)  # call
    _ = [p.name for c in company_list for p in c.product_set.all()]


def double_fetch_company_fixed() -> None:
    company_qs = Company.objects.prefetch_related(
        Prefetch("product_set", queryset=Product.objects.filter(name="product_name3"))
    ).filter(name="company_name1")
    company_list = list(company_qs)
    _ = [p.name for c in company_list for p in c.product_set.all()]


# eager_load_ignored ----------------------------------------------------------


def values_select_related_bad() -> None:
    category_queryset = Category.objects.select_related("post__title").filter(id=1).values()  # origin  # fmt: skip  # noqa: E501
    _ = list(category_queryset)  # call


def values_select_related_fixed() -> None:
    category_queryset = Category.objects.filter(id=1).values()
    _ = list(category_queryset)


def values_list_prefetch_bad() -> None:
    category_queryset = Category.objects.prefetch_related("post").filter(id=2).values_list("post")  # origin  # fmt: skip  # noqa: E501
    _ = list(category_queryset)  # call


def values_list_prefetch_fixed() -> None:
    category_queryset = Category.objects.filter(id=2).values_list("post")
    _ = list(category_queryset)


def values_then_prefetch_bad() -> None:
    _ = list(Category.objects.values("name").prefetch_related("post"))  # call origin


def values_then_prefetch_fixed() -> None:
    _ = list(Category.objects.values("name", "post__title"))


# unused_eager_load -----------------------------------------------------------


def unused_select_related_bad() -> None:
    for post in Post.objects.select_related("category"):  # call origin
        _ = post.title


def unused_select_related_fixed() -> None:
    for post in Post.objects.all():
        _ = post.title


def unused_deeper_select_related_bad() -> None:
    for post in Post.objects.select_related("category__blog"):  # call origin
        _ = post.category.name


def unused_deeper_select_related_fixed() -> None:
    for post in Post.objects.select_related("category"):
        _ = post.category.name


def unused_prefetch_bad() -> None:
    for pizza in Pizza.objects.prefetch_related("toppings"):  # call origin
        _ = pizza.name


def unused_prefetch_fixed() -> None:
    for pizza in Pizza.objects.all():
        _ = pizza.name


def unused_nested_prefetch_bad() -> None:
    for restaurant in Restaurant.objects.prefetch_related("pizzas__toppings"):  # call origin
        _ = [p.name for p in restaurant.pizzas.all()]


def unused_nested_prefetch_fixed() -> None:
    for restaurant in Restaurant.objects.prefetch_related("pizzas"):
        _ = [p.name for p in restaurant.pizzas.all()]


# full_fetch_for_count --------------------------------------------------------


def if_queryset_bad() -> None:
    if Blog.objects.filter(name="하수진"):  # call origin
        _ = "There is at least one Entry with the headline Test"


def if_queryset_fixed() -> None:
    if Blog.objects.filter(name="하수진").exists():
        _ = "There is at least one Entry with the headline Test"


def len_inline_bad() -> None:
    _ = len(Post.objects.all())  # call origin


def len_inline_fixed() -> None:
    _ = Post.objects.all().count()


def len_variable_bad() -> None:
    posts = Post.objects.filter(writer="이예지")
    if len(posts) > 0:  # call origin
        _ = "some posts"


def len_variable_fixed() -> None:
    posts = Post.objects.filter(writer="이예지")
    if posts.exists():
        _ = "some posts"


def bool_variable_bad() -> None:
    posts = Post.objects.filter(writer="이예지")
    if not posts:  # call origin
        return
    _ = len(posts)


def bool_variable_fixed() -> None:
    posts = Post.objects.filter(writer="이예지")
    if not posts.exists():
        return
    _ = posts.count()


WARN = "warning"
INFO = "info"
CASES: list[Case] = [
    Case(
        "in queryset (seed 001)",
        in_queryset_bad,
        in_queryset_fixed,
        "unexpected_subquery",
        WARN,
        "category_queryset = Category.objects.filter(blog__id__in=list(blog_queryset))",
        "IN (SELECT",
    ),
    Case(
        "exclude reverse fk (seed 001)",
        exclude_reverse_bad,
        exclude_reverse_fixed,
        "unexpected_subquery",
        INFO,
        'filter(~Exists(Post.objects.filter(category=OuterRef("pk"), title__contains="quid")))',
        "NOT (EXISTS(SELECT",
    ),
    Case(
        "~Q reverse fk (seed 001)",
        not_q_reverse_bad,
        not_q_reverse_fixed,
        "unexpected_subquery",
        INFO,
        "category_queryset = Category.objects.filter(~Exists(Post.objects.filter("
        'category=OuterRef("pk"), title__contains="quid")))',
        "EXISTS(SELECT",
    ),
    Case(
        "exclude m2m",
        exclude_m2m_bad,
        exclude_m2m_fixed,
        "unexpected_subquery",
        INFO,
        'filter(~Exists(Topping.objects.filter(pizza=OuterRef("pk"), name="ham")))',
        "NOT (EXISTS",
    ),
    Case(
        "exclude m2m through",
        exclude_through_bad,
        exclude_through_fixed,
        "unexpected_subquery",
        INFO,
        'banned=OuterRef("pk"), username="u1"',
        "EXISTS(SELECT",
    ),
    Case(
        "exclude generic relation",
        exclude_generic_bad,
        exclude_generic_fixed,
        "unexpected_subquery",
        INFO,
        "content_type=ContentType.objects.get_for_model(Post)",
        "EXISTS(SELECT",
    ),
    Case(
        "filter reverse fk (seed 001)",
        repeat_bad,
        repeat_fixed,
        "unexpected_join",
        WARN,
        '.filter(Exists(Post.objects.filter(category=OuterRef("pk"), title__contains="quid")), '
        'name__contains="modi")',
        "JOIN",
    ),
    Case(
        "filter reverse fk, Exists twin",
        repeat_bad,
        repeat_exists_fixed,
        "unexpected_join",
        WARN,
        'Exists(Post.objects.filter(category=OuterRef("pk"), title__contains="quid"))',
        "JOIN",
    ),
    Case(
        "order by reverse fk",
        order_by_reverse_bad,
        order_by_reverse_fixed,
        "unexpected_join",
        WARN,
        'annotate(post_title=Min("post__title")).order_by("post_title")',
        "LEFT OUTER JOIN",
    ),
    Case(
        "or across reverse relations (seed 000)",
        or_self_join_bad,
        or_self_join_fixed,
        "unexpected_join",
        WARN,
        'Exists(Ban.objects.filter(user_from=OuterRef("pk"), user_to=user)) | '
        'Exists(Ban.objects.filter(user_to=OuterRef("pk"), user_from=user))',
        "LEFT OUTER JOIN",
    ),
    Case(
        "two multi-valued filters",
        explosion_bad,
        explosion_fixed,
        "unexpected_join",
        WARN,
        'Exists(Topping.objects.filter(pizza=OuterRef("pk"), name="ham"))',
        "JOIN",
    ),
    Case(
        "two multi-valued counts",
        aggregates_bad,
        aggregates_fixed,
        "unexpected_join",
        WARN,
        'Count("toppings", distinct=True)',
        "LEFT OUTER JOIN",
    ),
    Case(
        "count then filter",
        count_then_filter_bad,
        count_then_filter_fixed,
        "unexpected_join",
        WARN,
        'Count("post", distinct=True)',
        "JOIN",
    ),
    Case(
        "two filter() calls across one relation",
        two_filters_bad,
        two_filters_fixed,
        "unexpected_join",
        WARN,
        'Exists(Category.objects.filter(blog=OuterRef("pk"), post__title="quid 00"))',
        "INNER JOIN",
    ),
    Case(
        "prefetch + filter (seed 001)",
        double_fetch_bad,
        double_fetch_fixed,
        "prefetch_double_fetch",
        WARN,
        'Prefetch("category", queryset=Category.objects.filter(name__contains="modi"))',
        "JOIN",
    ),
    Case(
        "prefetch + filter (seed 002)",
        double_fetch_company_bad,
        double_fetch_company_fixed,
        "prefetch_double_fetch",
        WARN,
        'Prefetch("product_set", queryset=Product.objects.filter(name="product_name3"))',
        "JOIN",
    ),
    Case(
        "select_related().values() (seed 001)",
        values_select_related_bad,
        values_select_related_fixed,
        "eager_load_ignored",
        WARN,
        "category_queryset = Category.objects.filter(id=1).values()",
        "SELECT",
    ),
    Case(
        "prefetch_related().values_list() (seed 001)",
        values_list_prefetch_bad,
        values_list_prefetch_fixed,
        "eager_load_ignored",
        WARN,
        'Category.objects.filter(id=2).values_list("post")',
        "SELECT",
    ),
    Case(
        "values().prefetch_related()",
        values_then_prefetch_bad,
        values_then_prefetch_fixed,
        "eager_load_ignored",
        WARN,
        'Category.objects.values("name")',
        "SELECT",
    ),
    Case(
        "unused select_related",
        unused_select_related_bad,
        unused_select_related_fixed,
        "unused_eager_load",
        WARN,
        "for post in Post.objects.all():",
        "JOIN",
    ),
    Case(
        "unused deeper select_related",
        unused_deeper_select_related_bad,
        unused_deeper_select_related_fixed,
        "unused_eager_load",
        WARN,
        'Post.objects.select_related("category"):',
        "JOIN",
    ),
    Case(
        "unused prefetch_related",
        unused_prefetch_bad,
        unused_prefetch_fixed,
        "unused_eager_load",
        WARN,
        "for pizza in Pizza.objects.all():",
        "SELECT",
    ),
    Case(
        "unused nested prefetch",
        unused_nested_prefetch_bad,
        unused_nested_prefetch_fixed,
        "unused_eager_load",
        WARN,
        'Restaurant.objects.prefetch_related("pizzas"):',
        "SELECT",
    ),
    Case(
        "if queryset (seed 003)",
        if_queryset_bad,
        if_queryset_fixed,
        "full_fetch_for_count",
        WARN,
        'if Blog.objects.filter(name="하수진").exists():',
        "SELECT",
    ),
    Case(
        "len inline",
        len_inline_bad,
        len_inline_fixed,
        "full_fetch_for_count",
        WARN,
        "_ = Post.objects.all().count()",
        "SELECT",
    ),
    Case(
        "len variable",
        len_variable_bad,
        len_variable_fixed,
        "full_fetch_for_count",
        WARN,
        "if posts.exists():",
        "SELECT",
    ),
    Case(
        "not variable",
        bool_variable_bad,
        bool_variable_fixed,
        "full_fetch_for_count",
        WARN,
        "if not posts.exists():",
        "SELECT",
    ),
]


def cases(kind: str) -> list[Case]:
    return [c for c in CASES if c.kind == kind]
