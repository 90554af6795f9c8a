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
    {
        "id": "005f020681",
        "test": r"test_pagination_tag\.py",
        "verdict": "wrong",
        "cause": "N3",
        "reason": "the test loops over 8 pages calling render_template(), which builds a RequestFactory request and renders the template by hand each time: 8 separate pseudo-requests, each running the toasts context processor once",
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
        "id": "807f46680d",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "a loop in the test helper (_run_bookmark_model_url_validity_checks) full_clean()s one new bookmark per URL, each running the same validation query: a true repeat in test code, harmless",
    },
    {
        "id": "ef02f9c7b4 c730a711de",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "the test helper reads bookmark.tags.all() on three of its lines (len(), then assertEqual, then a loop): a true repeat in test code, harmless",
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
        "id": "2af7c9d8db b4ebac3dfe",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "exporter called by the test with unprefetched bookmarks; the production caller (views/settings.py:282) prefetches tags",
    },
    {
        "id": "4acbaec7fc 7d50aecf40 52ccbb7aa9 8a69fbe9fc 213b76f457 59fa0d75cd 8f2f487c16",
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
    {
        "id": "5ab214d3b4 691a48dde2",
        "verdict": "acceptable",
        "reason": "get_or_create_tags() (services/tags.py:14) and the tag merge form (forms.py:197) get() one Tag per tag name the user typed (name__iexact): true, N is the few names typed; batching needs a case-insensitive IN (Lower()), which the message's in_bulk()/__in hint does not say (a plain name__in would miss case variants)",
    },
    {
        "id": "d68946a988 d4856736b7",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "assertBookmarkListEqual (test_bookmarks_api.py:42) reads tags of the test's own bookmarks per object: a true N+1 in test code, harmless; no origin is named now (was N4)",
    },
    {
        # At db646de these two groups (52ccbb7aa9, 8a69fbe9fc at 31898df, acceptable then) lost the
        # FETCH_PEERS hint from their message; --ormwatch-fix=verify (5c61e2f) had refused their edit.
        "id": "5278d5a828 ea6d7ec676",
        "verdict": "wrong",
        "cause": "N9",
        "reason": "the test's own loop get()s each bookmark (test_bookmark_action_view.py:32 by id, test_importer.py:21 by url) and reads its tags: a true N+1 in test code, but the edit adds prefetch_related('tags') to that get(), which prefetches one row's tags per iteration: nothing is batched across the loop, and an iteration that never reads the tags gets one query more (verify: 22 -> 22, 18 -> 19, 39 -> 42)",
    },
    {
        # At 54b377d the N9 groups above carry no edit: the message says in words to fetch the
        # rows before the loop (and the get() per item says the same), so FINAL's verdict holds.
        "id": "74dcb25921 89edf23894 43d9fcac59",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "the test's own loop get()s each bookmark and reads its tags: a true N+1 in test code, harmless; no edit (a prefetch on the get() would batch nothing), the message says to load the rows in one query before the loop",
    },
    {
        "id": "6789c0356f 8bf679382d",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "the test's own loop get()s each bookmark by id or url to assert on it: true, harmless in test code",
    },
    {
        "id": "8d947af138 cebf70558a",
        "verdict": "wrong",
        "cause": "N8",
        "reason": "schedule_bookmarks_without_favicons/previews call a huey @task per bookmark; each task get()s its bookmark by id. The tests set huey.immediate = True, so the tasks run inline; in production each is a separate background job that must load its own row: no loop to batch",
    },
    {
        "id": "5087dad0d0",
        "verdict": "real",
        "reason": "services/tasks.py:290 loops over the 5 pending assets it loaded and calls the plain function _create_html_snapshot_task(asset.id), which get()s each asset again by id (then reads .bookmark): pass the asset",
    },
    # repeated_write
    {
        "id": "c8380c541d",
        "verdict": "real",
        "reason": "services/bookmarks.py:156 deletes through-rows once per tag in a loop; one filter(tag__in=tags).delete() would do",
    },
    {
        "id": "33cded2a79",
        "verdict": "real",
        "reason": "services/bookmarks.py:157-159 (bulk untag) deletes through-rows once per tag in a loop; one filter(bookmark_id__in=..., tag__in=tags).delete() would do",
    },
    {
        "id": "bedb44b14c",
        "verdict": "acceptable",
        "reason": "get_or_create_tag() saves one new Tag per new tag name of one bookmark form (services/tags.py:14 loop, tags.py:24 save): N is the few names typed",
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
        "cause": "4;N7",
        "reason": "the user wrote Tag/User.objects.filter(bookmark__in=<queryset>) (queries.py:317-350) on purpose: a queryset given to __in is a composition like Subquery. bbe01d6 reports it only when the Bookmark rows were also fetched on their own, but what ran on its own was the Paginator's COUNT(*) and the page (ORDER BY ... LIMIT n), not the rows the subquery selects: in production the page is 30 of all matching bookmarks, and list() of every id would be worse. The message still names a lookup that does not exist (bookmark__bookmark__in / bookmark__id__in) and the call site is the evaluation line, not queries.py",
    },
    {
        "kind": "unexpected_subquery",
        "message": r"exclude\(\)",
        "verdict": "wrong",
        "cause": "4",
        "reason": "exclude() across a multi-valued relation: NOT EXISTS is the only correct SQL and what the user asked for; the fix rewrites it into the same SQL",
    },
    # unexpected_join (back since 84adee4: the detector failed on every many-to-many join under Django 6.0 before)
    {
        # 786feb7 no longer reports the Q(tags=None) join; what is left in these two tests is the #tag join.
        # At bbe01d6 this rule relabels the same two groups' reason only (verdict and cause unchanged).
        "kind": "unexpected_join",
        "test": r"untagged_should_not_be_combinable_with_tags",
        "message": r"^Unexpected join: filtering on Bookmark\.tags joins",
        "verdict": "wrong",
        "cause": "5",
        "reason": "'!untagged #tag': the join reported is the #tag filter(tags__name__iexact=name) (queries.py:164), which matches at most one Tag per bookmark because linkding keeps tag names unique per owner case-insensitively (get_or_create_tag), a uniqueness no database constraint states; combined with IS NULL the query returns nothing anyway",
    },
    {
        "kind": "unexpected_join",
        "test": r"untagged",
        "verdict": "wrong",
        "cause": "5",
        "reason": "the !untagged filter is Q(tags=None): a LEFT JOIN ... WHERE tag_id IS NULL, which keeps only bookmarks without any tag and cannot repeat a row (combined with a tag name, it returns nothing)",
    },
    {
        "kind": "unexpected_join",
        "verdict": "wrong",
        "cause": "5",
        "reason": "one filter(tags__name__iexact=name) per tag name (legacy tag search, bundle all_tags, queries.py:164, 202): each join matches at most one Tag per bookmark, because linkding keeps tag names unique per owner case-insensitively (get_or_create_tag); no row repeats. No database constraint says so (legacy databases may hold case variants, services/tags.py:26), so ormwatch cannot see it",
    },
]
