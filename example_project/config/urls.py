from __future__ import annotations

from blog import views
from debug_toolbar.toolbar import debug_toolbar_urls
from django.urls import path

urlpatterns = [
    path("", views.index, name="index"),
    path("posts/n-plus-one/", views.post_list_n_plus_one, name="post_list_n_plus_one"),
    path("posts/select-related/", views.post_list_select_related, name="post_list_select_related"),
    *debug_toolbar_urls(),
]
