# ruff: noqa: E501  (one verdict per line: long reasons are data)
"""Verdicts for babybuddy's findings (plugin run), read group by group at their code.

Causes as in ``_verdicts_linkding.py``; N5 and N6 are described in docs/precision.md.
"""

from __future__ import annotations

from typing import Any

_NAV = "the nav's two inclusion tags (timer_nav, quick_timer_nav) each build Child.objects.all() and count and list it, and the page or form lists it again: the same query 2-3 times per page"

RULES: list[dict[str, Any]] = [
    # duplicate_query inside one request: the navigation
    {
        "id": "4e4bb9936a 4a2cd97480 0e34d2b151 500001b667 c41a59aa3e b543301b43",
        "verdict": "real",
        "reason": _NAV,
    },
    {
        "id": "347db7c05b",
        "verdict": "real",
        "reason": "the dashboard's timer card and the nav's timer_nav each query the active timers",
    },
    {
        "id": "3c0966b8c3",
        "verdict": "real",
        "reason": "core/timeline.py builds a start and an end event per instance, each with its own instance.tags.all() (timeline.py:71, 83, ...): every instance's tags are read twice per page",
    },
    {
        # First seen at db646de (the random test data), read then; every query core/timeline.py
        # itself runs per event is an instance.child load (the tags are read in the template).
        "kind": "duplicate_query",
        "call_site": r"^core/timeline\.py:\d+$",
        "verdict": "real",
        "reason": "the timeline loads instance.child per event in each _add_* function (core/timeline.py:66, 106, ...): a tummy time and a sleep of the same child load the same Child row twice; select_related('child') on the timeline querysets removes both loads",
    },
    {
        "id": "af852020d2",
        "verdict": "real",
        "reason": "Timer.title_with_child counts Child rows (Child.count()) on every call, called again by the template in the same request",
    },
    {
        "id": "0087c1ccad",
        "verdict": "acceptable",
        "reason": "the timezone middleware loads user.settings; Timer.user_username reloads the user: one pk query",
    },
    # management commands and Django's own migrate/flush
    {
        "id": "0359632a1f",
        "verdict": "real",
        "reason": "feeding_time_diff_base (core/templatetags/misc.py:38) reads Feeding.settings.feeding_diff_end, a dbsettings value fetched from the database on every access, once per listed feeding (feeding_list.html:75): read it once per request",
    },
    {
        "id": "b4a3c68e9a",
        "verdict": "real",
        "reason": "UserAddDevice.get renders the QR code text (login_qr_code.txt:4, views.py:268) and the page (user_add_device.html:20), each calling user.settings.api_key(): Token get_or_create twice in one request",
    },
    {
        "id": "147525ec87 d42305c35e 9f1e3e1c65 af6bff9a67",
        "verdict": "real",
        "reason": "the graph functions evaluate the same changes/totals.values_list(...) once per trace (e.g. diaperchange_intervals.py:40, 49, 58): evaluate it once and reuse the list",
    },
    {
        "id": "e362385597",
        "verdict": "real",
        "reason": "migrate.py:13 len(superusers) == 0 fetches every superuser row to test for none; exists() would do",
    },
    {
        "id": "75ca3015ed",
        "verdict": "acceptable",
        "reason": "post_migrate handler core/apps.py:14 gets one Permission per core model (18 get() in a loop); true and the filter(codename__in=...) fix is right, but it runs once per migrate",
    },
    {
        "id": "8520a32293",
        "verdict": "real",
        "reason": "user list: user_is_read_only (templatetags/babybuddy.py:88) filters user.groups once per listed user; the message rightly says a prefetch alone would not help",
    },
    {
        "id": "2a30a24875",
        "verdict": "acceptable",
        "cause": "N2",
        "reason": "the test's own loop get()s each imported Temperature by pk (tests_import_export.py:89): true, harmless in test code",
    },
    {
        "id": "e24cc24fcb",
        "verdict": "wrong",
        "cause": "N5",
        "reason": "test_reset: reset.py runs Django's migrate once per app (its loop, then once more); Django's migrate machinery repeats its own content-type and django_migrations reads and even a DROP TABLE across those runs. The finding lands on migrate.py:10 super().handle() with 'reuse the first result': nothing to reuse there (a library call per item of the user's loop is reported on purpose since bbe01d6, but the statements are Django's)",
    },
    {
        "id": "e24cc24fcb a0513b02c4",
        "verdict": "wrong",
        "cause": "N5",
        "reason": "Django's migrate / flush machinery (the MigrationRecorder, content types, permissions) repeats its own queries; the user's line is only super().handle() / flush.handle() calling it: nothing to change there",
    },
    {
        "kind": "duplicate_query",
        "call_site": r"^babybuddy/apps\.py|^core/apps\.py|^babybuddy/migrations/|^babybuddy/management/commands/migrate\.py:13",
        "verdict": "acceptable",
        "reason": "post_migrate handlers and migrations (run by the tests' call_command('migrate'/'reset'/'fake')): the same settings or group query per app signal or per save, only at migrate time",
    },
    {
        "id": "3affa827be fe25fd6e39 3076cf4d4f 3737805f51 61c03e149d 6fda6454dc",
        "verdict": "real",
        "reason": "Sleep.settings.nap_start_min/max read the site setting from the database on every access, once per Sleep.save() (core/models.py:572-574): cache it per request/command",
    },
    {
        "id": "55e05ae33c bd21e17f82 c1ee759c7c fdd0c16670",
        "verdict": "wrong",
        "cause": "N5",
        "reason": "django-import-export's import_data() calls full_clean() per row; each row's clean() runs its own overlap check (validate_unique_period) with the same parameters because the rows share a child: the library hands rows over one by one",
    },
    {
        "call_site": r"^core/tests/tests_import_export\.py:37",
        "verdict": "wrong",
        "cause": "N5",
        "reason": "django-import-export's import_data() (the library) reads and writes row by row; the call site and origin are the test's import line, where nothing can be changed",
    },
    {
        "kind": "duplicate_query",
        "call_site": r"^(babybuddy|core|dashboard|reports)/tests/",
        "verdict": "wrong",
        "cause": "N3",
        "reason": "separate statements of the test body (re-reads after a change, the same setting assigned on several lines, assertions on two lines)",
    },
    {
        "kind": "duplicate_query",
        "message": r"(babybuddy|core|dashboard|reports)/tests/",
        "verdict": "wrong",
        "cause": "N3",
        "reason": "the code's query and a test line's re-read (or the test calling the code from two lines): separate statements of the test body",
    },
    # n_plus_one
    {
        "kind": "n_plus_one",
        "call_site": r"^babybuddy/views\.py:87",
        "verdict": "real",
        "reason": "BabyBuddyFilterView.get_context_data reads o.child for every listed object; the list views' querysets lack select_related('child')",
    },
    {
        "kind": "n_plus_one",
        "call_site": r"^core/timeline\.py",
        "verdict": "real",
        "reason": "the timeline reads instance.child.first_name per instance; the timeline querysets lack select_related('child')",
    },
    {
        "id": "2e4f85d48e",
        "verdict": "real",
        "reason": "user list: user_is_read_only (templatetags/babybuddy.py:88) filters user.groups once per listed user",
    },
    {
        "kind": "n_plus_one",
        "call_site": r"^babybuddy/management/commands/fake\.py:419",
        "verdict": "wrong",
        "cause": "N6",
        "reason": "the fake-data command calls instance.tags.add(...) (django-taggit) once per new instance; add() reads the instance's tagged items itself. The prefetch_related('tagged_items') fix cannot change add(); some origins name a migration (0035_recalculate_durations.py:19)",
    },
    # repeated_write
    {
        "kind": "repeated_write",
        "call_site": r"^babybuddy/management/commands/fake\.py|^core/models\.py:222",
        "verdict": "acceptable",
        "reason": "the fake-data command creates tags and children in its own loops: true, a development command",
    },
    # full_fetch_for_count
    {
        "id": "f34c53afbf",
        "verdict": "real",
        "reason": "migrate.py:13 len(superusers) == 0 fetches every superuser row to test for none; exists() would do (AFTER's message)",
    },
]
