"""Queries run while a template renders are attributed to the template line."""

from __future__ import annotations

from pathlib import Path

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.http.response import HttpResponseBase
from django.template import Context, Engine, engines
from django.template.backends.jinja2 import Jinja2
from django.test import AsyncClient, Client
from django.utils.autoreload import file_changed

import ormwatch
from ormwatch import CallSite
from tests.conftest import close_thread_connections
from tests.testapp.models import Post

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).parent / "testapp"


def test_a_django_template_loop_is_the_call_site(blog_data: list[Post]) -> None:
    with ormwatch.watch() as report:
        response = Client().get("/posts/")
    assert response.status_code == 200
    evaluate, *loads = report.queries
    assert len(loads) == 8
    path = str(TEMPLATES / "templates" / "testapp" / "post_list.html")
    assert evaluate.call_site is not None
    assert (evaluate.call_site.path, evaluate.call_site.line) == (path, 2)
    assert evaluate.call_site.kind == "template"
    assert evaluate.call_site.code == "{% for post in posts %}"
    assert evaluate.orm.method == "len"
    for query in loads:
        assert query.orm.kind == "lazy_load"
        assert query.orm.relation is not None
        assert str(query.orm.relation) == "testapp.Post.category"
        assert query.call_site is not None
        assert (query.call_site.path, query.call_site.line) == (path, 3)
        assert query.call_site.function == "testapp/post_list.html"
        # The view that rendered the template is further out on the stack.
        views = [s for s in query.stack if s.path.endswith("views.py")]
        assert [s.function for s in views] == ["post_list"]


def test_a_jinja2_template_line_is_the_call_site(blog_data: list[Post]) -> None:
    template = engines["jinja2"].get_template("post_list.jinja")
    with ormwatch.watch() as report:
        template.render({"posts": Post.objects.order_by("pk")})
    path = str(TEMPLATES / "jinja2" / "post_list.jinja")
    loads = [q for q in report.queries if q.orm.kind == "lazy_load"]
    assert len(loads) == 8
    for query in loads:
        assert query.call_site is not None
        assert (query.call_site.path, query.call_site.line, query.call_site.kind) == (
            path,
            3,
            "jinja2",
        )
    evaluate = report.queries[0]
    assert evaluate.call_site is not None
    assert (evaluate.call_site.path, evaluate.call_site.line) == (path, 2)


def test_a_template_from_a_string_uses_the_token(blog_data: list[Post]) -> None:
    template = engines["django"].from_string("{% for p in posts %}{{ p.category }}{% endfor %}")
    with ormwatch.watch() as report:
        template.render({"posts": Post.objects.all()[:1]})
    load = report.queries[-1]
    assert load.call_site is not None
    assert load.call_site.kind == "template"
    assert load.call_site.code == "p.category"


@pytest.mark.django_db(transaction=True)
def test_an_async_view_under_asgi(blog_data: list[Post]) -> None:
    async def request() -> HttpResponseBase:
        response = await AsyncClient().get("/posts-async/")
        # The view ran in asgiref's worker thread: close its connections there.
        await sync_to_async(close_thread_connections)()
        return response

    with ormwatch.watch() as report:
        response = async_to_sync(request)()
    assert response.status_code == 200
    (query,) = report.queries
    assert query.orm.model == "testapp.Post"
    assert query.orm.method == "iterate"  # async for: only _fetch_all runs in the worker
    assert query.call_site is not None
    assert query.call_site.path.endswith("views.py")
    # 3.10 and 3.11 run a comprehension in its own frame (3.10 names it just
    # <listcomp>); the view is then the next frame out.
    functions = [site.function for site in query.stack]
    assert functions[0].startswith(("post_list_async", "<listcomp>"))
    assert any(f.startswith("post_list_async") for f in functions[:2])


@pytest.mark.parametrize("backend", ["django", "jinja2"])
def test_an_edited_template_shows_its_new_line(
    blog_data: list[Post], tmp_path: Path, backend: str
) -> None:
    # runserver does not restart for a template: it resets the template loaders
    # and sends file_changed, and ormwatch's caches live on in the process.
    template = tmp_path / "posts.html"

    def render(line: str) -> CallSite | None:
        template.write_text(f"{{% for post in posts %}}\n{line}\n{{% endfor %}}\n")
        posts = Post.objects.order_by("pk")
        with ormwatch.watch() as report:
            # A new engine each time, as after the reset: new nodes and code, same path.
            if backend == "django":
                engine = Engine(dirs=[str(tmp_path)], debug=True)
                engine.get_template("posts.html").render(Context({"posts": posts}))
            else:
                config = {"NAME": "edited", "DIRS": [str(tmp_path)], "APP_DIRS": False}
                Jinja2({**config, "OPTIONS": {}}).get_template("posts.html").render(
                    {"posts": posts}
                )
        (site,) = {q.call_site for q in report.queries if q.orm.kind == "lazy_load"}
        return site

    before = render("<td>{{ post.category.name }}</td>")
    file_changed.send(sender=None, file_path=template)
    # Same size, likely the same mtime: linecache's own check would miss it.
    after = render("<li>{{ post.category.name }}</li>")
    assert before is not None
    assert after is not None
    assert (before.line, before.code) == (2, "<td>{{ post.category.name }}</td>")
    assert (after.path, after.line, after.code) == (
        str(template),
        2,
        "<li>{{ post.category.name }}</li>",
    )
