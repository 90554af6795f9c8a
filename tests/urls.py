from __future__ import annotations

from django.urls import path

from tests.testapp import views

urlpatterns = [
    path("posts/", views.post_list, name="post_list"),
    path("posts-async/", views.post_list_async, name="post_list_async"),
    path("posts-async-n1/", views.post_list_async_n_plus_one, name="post_list_async_n1"),
    path("recording-state/", views.recording_state, name="recording_state"),
]
