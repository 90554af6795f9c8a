"""The line to change when a template renders after its view returned.

A class-based view's ``TemplateResponse`` is rendered by Django's handler once
the view has returned, so no frame of the user's code is on the stack when the
template's loop runs the queries. The fix line then comes from the view.
"""

from __future__ import annotations

import inspect

import pytest
from django.test import AsyncClient, Client, RequestFactory

import ormwatch
from tests.testapp import class_views, serializing
from tests.testapp.models import LOrder, LOwner, LShop, Post

pytestmark = pytest.mark.django_db

SOURCE = inspect.getsourcefile(class_views)


def line_of(text: str, after: int = 0) -> int:
    """The number of the first line of class_views.py past ``after`` that contains ``text``."""
    lines = inspect.getsource(class_views).splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and text in line)


def n_plus_one(url: str) -> ormwatch.Finding:
    with ormwatch.watch() as report:
        assert Client().get(url).status_code == 200
    (finding,) = report.findings
    assert finding.kind == "n_plus_one"
    assert finding.call_site is not None
    assert finding.call_site.kind == "template"  # triggered in the template...
    return finding


@pytest.mark.parametrize(
    ("url", "line", "function", "fix"),
    [
        (
            "/cbv/get-queryset/",
            "return Post.objects.order_by(ordering)",
            "PostsFromGetQueryset.get_queryset",
            'return Post.objects.select_related("category").order_by(ordering)',
        ),
        (
            "/cbv/queryset/",
            'queryset = Post.objects.order_by("pk")',
            "PostsFromAttribute",
            'queryset = Post.objects.select_related("category").order_by("pk")',
        ),
        (
            "/cbv/inherited/",
            'queryset = Post.objects.order_by("pk")',
            "PostsFromAttribute",
            'queryset = Post.objects.select_related("category").order_by("pk")',
        ),
        (
            "/cbv/model/",
            "model = Post",
            "PostsFromModel",
            'queryset = Post.objects.select_related("category")',
        ),
        (
            "/template-response/",
            'posts = Post.objects.order_by("pk")',
            "posts_response",
            'posts = Post.objects.select_related("category").order_by("pk")',
        ),
    ],
)
def test_the_fix_line_is_in_the_view(
    blog_data: list[Post], url: str, line: str, function: str, fix: str
) -> None:
    finding = n_plus_one(url)
    # ... and fixed in the view, at the line that sets or builds the queryset.
    assert finding.origin is not None
    assert (finding.origin.path, finding.origin.line) == (SOURCE, line_of(line))
    assert finding.origin.code == line
    assert finding.origin.function == function
    assert finding.fix == fix


def test_an_async_request_finds_the_view_too(blog_data: list[Post]) -> None:
    async def get() -> int:
        return (await AsyncClient().get("/cbv/queryset/")).status_code

    from asgiref.sync import async_to_sync

    with ormwatch.watch() as report:
        assert async_to_sync(get)() == 200
    (finding,) = report.findings
    assert finding.origin is not None
    assert finding.origin.line == line_of('queryset = Post.objects.order_by("pk")')


def test_a_view_with_python_on_the_stack_keeps_its_own_line(blog_data: list[Post]) -> None:
    # tests/testapp/views.py post_list renders inside the view: no view is kept.
    with ormwatch.watch() as report:
        assert Client().get("/posts/").status_code == 200
    assert all(q.view is None for q in report.queries)
    (finding,) = report.findings
    assert finding.origin is not None
    assert finding.origin.path.endswith("views.py")


def test_a_view_called_directly_is_found_through_its_context(blog_data: list[Post]) -> None:
    # No handler and no resolved URL: the class-based view is in the context.
    view = class_views.PostsFromGetQueryset.as_view()
    with ormwatch.watch() as report:
        view(RequestFactory().get("/")).render()  # type: ignore[attr-defined]  # a TemplateResponse
    (finding,) = report.findings
    assert finding.origin is not None
    assert finding.origin.function == "PostsFromGetQueryset.get_queryset"


def test_a_response_without_a_view_keeps_the_caller(blog_data: list[Post]) -> None:
    from django.template.response import TemplateResponse

    posts = Post.objects.order_by("pk")
    with ormwatch.watch() as report:
        TemplateResponse(
            RequestFactory().get("/"), "testapp/post_list.html", {"posts": posts}
        ).render()
    (finding,) = report.findings
    assert all(q.view is None for q in report.queries)
    assert finding.origin is not None
    assert finding.origin.path == __file__
    assert finding.origin.code == 'posts = Post.objects.order_by("pk")'


def test_an_unused_select_related_is_fixed_at_the_views_queryset(blog_data: list[Post]) -> None:
    with ormwatch.watch() as report:
        assert Client().get("/cbv/titles/").status_code == 200
    (finding,) = report.findings
    assert finding.kind == "unused_eager_load"
    line = 'queryset = Post.objects.select_related("category").order_by("pk")'
    assert finding.origin is not None
    assert (finding.origin.line, finding.origin.code) == (line_of(line), line)
    assert finding.fix == 'queryset = Post.objects.order_by("pk")'


# Library code inside the view runs the queries: a REST framework serializing
# get_queryset(), here tests/testapp/serializing.py marked as library code.
LIBRARY = str(inspect.getsourcefile(serializing.SerializingListView))


@pytest.fixture
def library(settings: object) -> None:
    settings.ORMWATCH = {"LIBRARY_PATHS": [LIBRARY]}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "view", "line", "fix"),
    [
        (
            "/api/posts/",
            "class PostApi(SerializingListView):",
            'queryset = Post.objects.order_by("pk")',
            'queryset = Post.objects.select_related("category").order_by("pk")',
        ),
        (
            # Right under PostApi: the lines above its class are not its queryset.
            "/api/posts-from-model/",
            "class PostApiFromModel(SerializingListView):",
            "model = Post",
            'queryset = Post.objects.select_related("category")',
        ),
    ],
)
def test_the_view_is_the_call_site_when_library_code_runs_its_queries(
    blog_data: list[Post], library: None, url: str, view: str, line: str, fix: str
) -> None:
    with ormwatch.watch() as report:
        assert Client().get(url).status_code == 200
    (finding,) = report.findings
    assert finding.kind == "n_plus_one"
    # Not this test's line: the stack ends at Django's handler.
    assert finding.call_site is not None
    assert (finding.call_site.path, finding.call_site.line) == (SOURCE, line_of(view))
    assert finding.call_site.code == view
    assert finding.origin is not None
    assert (finding.origin.line, finding.origin.code) == (line_of(line, line_of(view)), line)
    assert finding.fix == fix


def test_a_library_view_is_not_a_call_site(blog_data: list[Post], library: None) -> None:
    with ormwatch.watch() as report:
        assert Client().get("/api/library-view/").status_code == 200
    assert all(q.view is None for q in report.queries)
    # Its N+1 happens inside an installed view the test's line called once:
    # nothing at that line could change it, so it is no finding of the user's.
    assert all(q.library_call for q in report.queries)
    assert report.findings == []


@pytest.mark.django_db(transaction=True)
def test_under_a_server_no_user_frame_is_needed_outside_the_view(
    blog_data: list[Post], library: None
) -> None:
    # As under gunicorn: the request is served on a thread whose stack holds
    # nothing of the user's but the view (Context.run is C; serve() is marked
    # as library code with the rest of serializing.py).
    import threading
    from contextvars import copy_context

    from tests.testapp.serializing import serve

    environ = RequestFactory().get("/api/posts/").environ
    statuses: list[str] = []

    def start_response(status: str, headers: object) -> None:
        statuses.append(status)

    with ormwatch.watch() as report:
        thread = threading.Thread(target=copy_context().run, args=(serve, environ, start_response))
        thread.start()
        thread.join()
    assert statuses == ["200 OK"]
    (finding,) = report.findings
    assert finding.call_site is not None
    assert finding.call_site.code == "class PostApi(SerializingListView):"


def test_a_viewset_s_class_is_found_through_cls(blog_data: list[Post], library: None) -> None:
    # REST framework's viewsets: as_view() functions name their class as
    # ``cls``, and their dispatch() is the framework's own.
    with ormwatch.watch() as report:
        assert Client().get("/api/post-viewset/").status_code == 200
    (finding,) = report.findings
    assert finding.call_site is not None
    assert finding.call_site.code == "class PostViewSet(SerializingViewSet):"
    assert finding.origin is not None
    view = line_of("class PostViewSet(SerializingViewSet):")
    assert finding.origin.line == line_of('queryset = Post.objects.order_by("pk")', view)


@pytest.fixture
def orders(db: None) -> list[LOrder]:
    owner = LOwner.objects.create(name="owner")
    shop = LShop.objects.create(name="shop", owner=owner)
    return [LOrder.objects.create(number=n, shop=shop) for n in range(3)]


@pytest.mark.parametrize("through", ["client", "request factory"])
def test_a_generic_view_s_unused_select_related_names_the_view_s_line(
    orders: list[LOrder], through: str
) -> None:
    # ListView.get() evaluates the queryset itself (allow_empty = False): no
    # line of the user's runs it. Called straight from a test, the test's own
    # line was named as both call site and origin.
    with ormwatch.watch() as report:
        if through == "client":
            assert Client().get("/cbv/order-numbers/").status_code == 200
        else:
            class_views.OrderNumbers.as_view()(RequestFactory().get("/")).render()  # type: ignore[attr-defined]
    (finding,) = report.findings
    assert finding.kind == "unused_eager_load"
    assert finding.call_site is not None
    assert finding.call_site.code == "class OrderNumbers(ListView):  # type: ignore[type-arg]"
    line = 'queryset = LOrder.objects.select_related("shop").order_by("pk")'
    assert finding.origin is not None
    assert (finding.origin.path, finding.origin.line) == (SOURCE, line_of(line))
    assert finding.fix == 'queryset = LOrder.objects.order_by("pk")'
    if through == "request factory":  # the caller stays on the stack
        assert __file__ in [site.path for site in report.queries[0].stack]
