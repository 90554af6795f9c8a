"""Edits and patches: whole statements replaced exactly, merged per statement, applied by git."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from ormwatch import CallSite, Edit
from ormwatch._fix import _edit, _merge, _patch, _source
from tests.fix_support import apply_fixes
from tests.testapp.models import Blog, Category, Post

MODULE = """\
from __future__ import annotations


def view(items):
    total = sum(  # a call over lines
        item.price
        for item in items
    )
    for item in sorted(
        items
    ):
        print(item)
    a = 1; b = 2
    return total
"""


def code_at(tmp_path: Path, line: int) -> _source.Code:
    path = tmp_path / "module.py"
    path.write_text(MODULE)
    code = _source.code_at(CallSite(str(path), line, "view", MODULE.splitlines()[line - 1]))
    assert code is not None
    return code


def test_a_statement_over_lines_is_replaced_whole(tmp_path: Path) -> None:
    code = code_at(tmp_path, 7)  # the comprehension's for clause, two lines down
    assert _edit.statement_lines(code) == (5, 8)
    target = next(
        n for n in ast.walk(code.statement) if isinstance(n, ast.Name) and n.id == "items"
    )
    edit = _edit.rewrite_statement(code, [(target, "items[:3]")])
    assert edit == Edit(
        code.path,
        5,
        8,
        "    total = sum(  # a call over lines\n        item.price\n"
        "        for item in items[:3]\n    )",
    )


def test_a_loop_header_is_edited_without_its_body(tmp_path: Path) -> None:
    code = code_at(tmp_path, 10)
    assert _edit.statement_lines(code) == (9, 11)


def test_statements_sharing_a_line_are_not_edited(tmp_path: Path) -> None:
    code = code_at(tmp_path, 13)
    assert _edit.statement_lines(code) is None
    assert _edit.rewrite_statement(code, [(code.statement, "a = 2")]) is None


def test_two_edits_of_one_statement_merge_and_a_conflict_keeps_the_first() -> None:
    # Edits written by hand (no ast positions) merge by a token diff against the original.
    lines = ['    qs = Category.objects.select_related("blog").order_by("name")']
    first = Edit("m.py", 1, 1, '    qs = Category.objects.order_by("name")')
    second = Edit(
        "m.py", 1, 1, '    qs = Category.objects.select_related("blog").order_by("-name")'
    )
    (merged,) = _merge.merge([first, second], lines)
    assert merged.text == '    qs = Category.objects.order_by("-name")'
    clash = Edit("m.py", 1, 1, '    qs = Category.objects.select_related("blog").all()')
    other = Edit("m.py", 1, 1, '    qs = Category.objects.select_related("blog").none()')
    assert _merge.merge([clash, other], lines) == [clash]


def test_an_edit_without_text_deletes_its_lines(tmp_path: Path) -> None:
    lines = [
        "def view():",
        "    names = {}",
        "    # about rows",
        "    rows = []",
        "    return rows",
    ]
    assert _merge.apply(lines, [Edit("m.py", 3, 4, "")]) == [
        "def view():",
        "    names = {}",
        "    return rows",
    ]
    path = tmp_path / "m.py"
    path.write_text("\n".join(lines) + "\n")
    patch = _patch.unified_diff([Edit(str(path), 2, 2, "")], cwd=str(tmp_path))
    assert "-    names = {}\n" in patch
    added = [x for x in patch.splitlines() if x.startswith("+") and not x.startswith("+++")]
    assert added == []  # no blank line left in its place


def test_an_edit_that_deletes_a_statement_wins_and_removes_its_lines() -> None:
    lines = ["    a = 1", '    keys = set(qs.values_list("id", flat=True))', "    return a"]
    rewritten = Edit("m.py", 2, 2, '    keys = set(qs.values_list("pk", flat=True))')
    deleted = Edit("m.py", 2, 2, "")
    for edits in ([rewritten, deleted], [deleted, rewritten]):
        assert _merge.merge(edits, lines) == [deleted]
    assert _merge.apply(lines, [deleted]) == ["    a = 1", "    return a"]


def test_a_patch_imports_what_its_fix_uses_and_git_applies_it(tmp_path: Path) -> None:
    path = tmp_path / "views.py"
    path.write_text(
        "from __future__ import annotations\n\nimport os\n\n\ndef view():\n    return os.sep\n"
    )
    text = '    return Prefetch("post", queryset=Post.objects.all())'
    patch = _patch.unified_diff([Edit(str(path), 7, 7, text)], cwd=str(tmp_path))
    assert "+from django.db.models import Prefetch\n" in patch
    assert "+from tests.testapp.models import Post\n" in patch
    (tmp_path / "fix.patch").write_text(patch)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    assert path.read_text().splitlines()[3:5] == [
        "from django.db.models import Prefetch",
        "from tests.testapp.models import Post",
    ]


def test_a_patch_of_a_crlf_file_applies_and_keeps_its_line_ends(tmp_path: Path) -> None:
    # A tenth of babybuddy's modules end their lines in CRLF; git refused the whole patch.
    path = tmp_path / "views.py"
    path.write_bytes(b"import os\r\n\r\n\r\ndef view():\r\n    return os.sep\r\n")
    patch = _patch.unified_diff([Edit(str(path), 5, 5, "    return os.linesep")], cwd=str(tmp_path))
    (tmp_path / "fix.patch").write_bytes(patch.encode())
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    assert path.read_bytes() == b"import os\r\n\r\n\r\ndef view():\r\n    return os.linesep\r\n"


@pytest.fixture
def categories(db: None) -> None:
    for name in ("a1", "a2", "a3"):
        blog = Blog.objects.create(name=f"blog {name}")
        category = Category.objects.create(name=name, blog=blog)
        Post.objects.create(title=f"post {name}", category=category)


@pytest.mark.usefixtures("categories")
def test_two_unused_eager_loads_on_one_chain_are_both_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Category


        def view():
            categories = (
                Category.objects.select_related("blog")
                .prefetch_related("post")
                .filter(name__startswith="a")
                .order_by("name")
            )
            return [category.name for category in categories]
        """,
    )
    assert applied.before.kinds == ["unused_eager_load", "unused_eager_load"]
    # Each finding shows the statement with both mistakes gone, not only its own.
    for finding in applied.before.report.findings:
        assert finding.fix is not None
        assert "select_related" not in finding.fix
        assert "prefetch_related" not in finding.fix
    assert applied.after.kinds == []
    assert applied.after.result == applied.before.result == ["a1", "a2", "a3"]
    assert applied.after.report.query_count < applied.before.report.query_count
    assert "select_related" not in applied.source
    assert "prefetch_related" not in applied.source
    assert '.filter(name__startswith="a")\n' in applied.source  # the user's layout is kept


@pytest.mark.usefixtures("categories")
def test_a_loop_over_a_bare_manager_keeps_a_queryset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = apply_fixes(
        tmp_path,
        monkeypatch,
        """
        from tests.testapp.models import Category


        def view():
            names = []
            for category in Category.objects.select_related("blog"):
                names.append(category.name)
            return sorted(names)
        """,
    )
    assert applied.before.kinds == ["unused_eager_load"]
    assert "    for category in Category.objects.all():\n" in applied.source
    assert applied.after.kinds == []
    assert applied.after.result == applied.before.result
