from __future__ import annotations

from config.urls import urlpatterns as example_urlpatterns
from django.urls import path

from tests.load_project import views

urlpatterns = [
    path("load/threads/", views.threads),
    path("load/objects/", views.objects),
    *example_urlpatterns,
]
