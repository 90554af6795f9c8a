# ruff: noqa: E501  (one verdict per line: long reasons are data)
"""Verdicts for linkding's findings (plugin run), read group by group at their code.

Causes: a number is the item of issue 15 that explains a wrong finding; N2, N3, N4
are new causes described in docs/precision.md. ``test`` splits a group whose
findings differ by test (the same line is a real repeat in one test, a test
artefact in another).
"""

from __future__ import annotations

from typing import Any

_TEMPLATE_TESTS = r"test_(bookmarks_list_template|tag_cloud_template|bookmark_search_tag|pagination_tag|user_select_tag)\.py"
_N3 = (
    "the test calls the code twice from two of its own lines (render_template() builds a "
    "RequestFactory request and runs the middleware, context and template by hand, once per "
    "call); each call is a separate pseudo-request, not a repeat inside one"
)

RULES: list[dict[str, Any]] = [
    # duplicate_query: repeats inside one request or one service call
    {
        "id": "56ed4fd393",
        "verdict": "real",
        "reason": "details view reads bookmark.tags at contexts.py:582 and again via tag_names in the template",
    },
    {
        "id": "457bdb1584",
        "verdict": "real",
        "reason": "access.py:13 bookmark.owner == request.user loads the owner User the middleware already loaded (compare owner_id)",
    },
    {
        "id": "efa06ed31f",
        "verdict": "real",
        "reason": "the same User.objects.filter(username=...).first() runs 3 times per shared page (contexts.py:116, 123, 531)",
    },
    {
        "id": "c766492e01",
        "verdict": "real",
        "reason": "same User lookup by username twice per shared tag cloud (contexts.py:123, 531)",
    },
    {
        "id": "08138a4017",
        "verdict": "real",
        "reason": "one import builds TagCache(user) twice (importer.py:97 in _create_missing_tags, then :78), loading every tag twice",
    },
    {
        "id": "8965506290",
        "verdict": "real",
        "reason": "importer iterates the lazy existing_bookmarks queryset twice per batch (importer.py:171 and 235)",
    },
    {
        "id": "7c28a6356a",
        "verdict": "real",
        "reason": "Bookmark.tag_names queries tags twice in one API request",
    },
    {
        "id": "43bde2de86",
        "verdict": "real",
        "reason": "tags_index counts the tags (tags.py:41), then the Paginator counts the same queryset again (tags.py:51)",
    },
    {
        "id": "288babdb43",
        "verdict": "real",
        "reason": "singlefile API looks the bookmark up (routes.py:154), then create_bookmark runs the same lookup (services/bookmarks.py:21)",
    },
    {"id": "005f020681", "test": _TEMPLATE_TESTS, "verdict": "wrong", "cause": "N3", "reason": _N3},
    {
        "id": "005f020681",
        "verdict": "real",
        "reason": "the toasts context processor queries once per render_to_string of a turbo stream (3 renders in one request)",
    },
    {"id": "26a43f580f", "test": _TEMPLATE_TESTS, "verdict": "wrong", "cause": "N3", "reason": _N3},
    {
        "id": "26a43f580f",
        "verdict": "acceptable",
        "reason": "the middleware and the settings view each call GlobalSettings.get() in one request: one cheap query",
    },
    {"id": "9fc0432281 23c6812e43 eae7141ecb", "verdict": "wrong", "cause": "N3", "reason": _N3},
    {
        "id": "90f988cc11 739b6593a0 5a00a3ebfe 607dc99119 7c98c1b5df 3f839d7427",
        "verdict": "acceptable",
        "reason": "the feed loads the token's user (and profile) the middleware loaded: one pk query",
    },
    {
        "id": "2aa4dd47b7",
        "verdict": "acceptable",
        "reason": "form clean_url reloads the user the middleware loaded; one cheap pk query",
    },
    {
        "id": "ed4f977795 193592b770",
        "verdict": "acceptable",
        "reason": "bundle service reloads request.user: one pk query",
    },
    {
        "id": "fe03e4db45",
        "verdict": "acceptable",
        "reason": "profile reloaded for the bookmark owner who is the request user",
    },
    {
        "id": "418fd09529",
        "verdict": "acceptable",
        "reason": "tag merge form looks up the target tag, then the same name among merge tags (validation)",
    },
    {
        "id": "540983bedd",
        "verdict": "wrong",
        "cause": "N3",
        "reason": "the test calls get_or_create_tag() on two lines (tags_service.py:28, 29) to check the second returns the first",
    },
    {
        "id": "afb421f19d",
        "verdict": "wrong",
        "cause": "N3",
        "reason": "the test runs the management command three times on three lines (test_create_multiple_times)",
    },
    {
        "kind": "duplicate_query",
        "call_site": r"^bookmarks/services/(bookmarks|tasks)\.py",
        "message": r"bookmarks/tests/",
        "verdict": "wrong",
        "cause": "N3",
        "reason": "the service or task reads the bookmark, then the test re-reads it on its own line to assert what the service wrote",
    },
    {
        "kind": "duplicate_query",
        "call_site": r"^bookmarks/tests/",
        "verdict": "wrong",
        "cause": "N3",
        "reason": "separate statements of the test body: re-reads after a service or request changed the rows (refresh_from_db, count(), get()), or the same assertion helper called from several test lines",
    },
    # full_fetch_for_count
    {
        "kind": "full_fetch_for_count",
        "call_site": r"^bookmarks/tests/",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "len() of a queryset in a test assertion: true, harmless in test code",
    },
    # n_plus_one
    {
        "id": "ff5b397eb1",
        "verdict": "real",
        "reason": "services/tasks.py:291 loops over assets calling a task body that get()s each asset and reads .bookmark",
    },
    {
        "id": "2af7c9d8db",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "exporter called by the test with unprefetched bookmarks; the production caller (views/settings.py:282) prefetches tags",
    },
    {
        "id": "4acbaec7fc 7d50aecf40 52ccbb7aa9 8a69fbe9fc 213b76f457",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "a loop in test assertion code reading a relation per object: a true N+1 in test code, harmless",
    },
    {
        "id": "23d4916ee9 8e6f4b1ee6 4d26df2c38",
        "verdict": "wrong",
        "cause": "N4",
        "reason": "assertBookmarkListEqual (test_bookmarks_api.py:42) loops over the test's own bookmarks (made in set-up); the origin named is the API view's queryset (routes.py) of the request segment, whose fix changes nothing for the test's objects",
    },
    {
        "id": "419f5d9504",
        "verdict": "wrong",
        "cause": "N4",
        "reason": "assertFeedItems (test_feeds.py:32) reads tag_names of the test's own bookmarks; origin named feeds.py:59, which already prefetches tags for the request's objects",
    },
    {
        "id": "35df01ee7e",
        "verdict": "wrong",
        "cause": "N4",
        "reason": "get_tags_from_bookmarks() (helpers.py:299) over the test's own objects; origin named contexts.py:214, the view's prefetch_related_objects(..., 'tags') that already prefetches",
    },
    {
        "id": "844d1f0a20 4d84d1b4db 6b16d9969d 0847e39ce4 e476e3e52c 2504cf652d",
        "verdict": "wrong",
        "cause": "N3;N4",
        "reason": "a test helper called from four test lines, each on a different bookmark the test just created: no loop; origin named contexts.py:214, which already prefetches tags",
    },
    # repeated_write
    {
        "id": "c8380c541d",
        "verdict": "real",
        "reason": "services/bookmarks.py:156 deletes through-rows once per tag in a loop; one filter(tag__in=tags).delete() would do",
    },
    {
        "id": "b6bd9a74cc",
        "verdict": "acceptable",
        "reason": "get_or_create_tag() per new tag name of one bookmark form (services/tags.py:14 loop); N is the few names typed, case-insensitive get-or-create",
    },
    # unexpected_subquery
    {
        "kind": "unexpected_subquery",
        "message": r"was given a lazy",
        "verdict": "wrong",
        "cause": "4",
        "reason": "the user wrote Tag/User.objects.filter(bookmark__in=<queryset>) (queries.py:317-350) on purpose: a queryset given to __in is a composition like Subquery; materialising every Bookmark id in Python is worse; the message names a lookup that does not exist (bookmark__bookmark__in / bookmark__id__in) and the call site is the evaluation line, not queries.py",
    },
    {
        "kind": "unexpected_subquery",
        "message": r"exclude\(\)",
        "verdict": "wrong",
        "cause": "4",
        "reason": "exclude() across a multi-valued relation: NOT EXISTS is the only correct SQL and what the user asked for; the fix rewrites it into the same SQL",
    },
]
