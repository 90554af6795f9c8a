"""The views of django-zeal's test project (``/users/``, ``/user/<pk>/``) on our P* models."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from tests.testapp.models import PUser


def users(request: HttpRequest) -> JsonResponse:
    names = [user.profile.display_name for user in PUser.objects.order_by("pk")]
    return JsonResponse({"names": names})


def user(request: HttpRequest, pk: int) -> JsonResponse:
    found = PUser.objects.get(pk=pk)
    return JsonResponse({"name": found.profile.display_name})
