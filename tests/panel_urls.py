"""URLs for the toolbar panel tests: the test pages and the toolbar's own views.

The toolbar's URLs are listed here rather than included from
``debug_toolbar.urls``: that module fixes its list on first import from the
panels configured then (and is empty when ``DEBUG`` is off), while these tests
switch panels per test.
"""

from __future__ import annotations

from debug_toolbar import APP_NAME
from debug_toolbar import views as toolbar_views
from debug_toolbar.panels.history import HistoryPanel
from debug_toolbar.panels.sql import SQLPanel
from django.urls import include, path

from tests.testapp import views

toolbar_urls = [
    path("render_panel/", toolbar_views.render_panel, name="render_panel"),
    *HistoryPanel.get_urls(),
    *SQLPanel.get_urls(),  # type: ignore[no-untyped-call]
]

urlpatterns = [
    path("panel/n-plus-one/", views.panel_n_plus_one, name="panel_n_plus_one"),
    path("panel/clean/", views.panel_clean, name="panel_clean"),
    path("panel/queries/", views.panel_queries, name="panel_queries"),
    path("panel/async/", views.panel_async, name="panel_async"),
    path("panel/script/", views.panel_script, name="panel_script"),
    path("panel/hostile/", views.panel_hostile, name="panel_hostile"),
    path("recording-state/", views.recording_state, name="recording_state"),
    path("__debug__/", include((toolbar_urls, APP_NAME))),
]
