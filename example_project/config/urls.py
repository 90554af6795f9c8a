from __future__ import annotations

from debug_toolbar.toolbar import debug_toolbar_urls
from django.urls import path

from pitfalls.registry import PITFALLS
from pitfalls.views import findings_doc, index

# Two pages per pitfall, named after it: /n-plus-one-fk/bad/ and /n-plus-one-fk/fixed/.
urlpatterns = [
    path("", index, name="index"),
    path("docs/findings/", findings_doc, name="findings-doc"),
    *(path(f"{p.slug}/bad/", p.bad, name=f"{p.slug}-bad") for p in PITFALLS),
    *(path(f"{p.slug}/fixed/", p.fixed, name=f"{p.slug}-fixed") for p in PITFALLS),
    *debug_toolbar_urls(),
]
