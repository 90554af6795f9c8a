"""The benchmark's URLs: the timed pages and the toolbar's own views."""

from __future__ import annotations

from django.urls import path

from bench._django import big, cheap, fixed, n_plus_one

urlpatterns = [
    path("cheap/", cheap),
    path("n-plus-one/", n_plus_one),
    path("fixed/", fixed),
    path("big/", big),
]
try:
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()
except ImportError:  # the toolbar is an extra; its modes are skipped without it
    pass
