"""The accounts' pitfalls (seeds 000 and 003): each one as a bad view and, right
under it, the fixed view."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from pitfalls.pages import rolled_back, table

from .models import Notification, User

# An OR across two reverse relations joins the same table twice (seed 000) -------


def or_join_bad(request: HttpRequest) -> HttpResponse:
    user = User.objects.get(username="test_user")
    users = User.objects.filter(Q(banning=user) | Q(banned=user)).order_by("username")
    rows = [(u.username, u.get_full_name()) for u in users]
    return table(request, ["Bans or is banned by test_user", "Name"], rows)


def or_join_fixed(request: HttpRequest) -> HttpResponse:
    user = User.objects.get(username="test_user")
    users = user.banned.all().union(user.banning.all()).order_by("username")
    rows = [(u.username, u.get_full_name()) for u in users]
    return table(request, ["Bans or is banned by test_user", "Name"], rows)


# save() in a loop (seed 003); the writes are rolled back after the page ---------


def save_loop_bad(request: HttpRequest) -> HttpResponse:
    with rolled_back():
        users = User.objects.order_by("username")
        for user in users:
            Notification(user=user, contents="반갑습니다.").save()
    return table(request, ["Notified"], [(user.username,) for user in users])


def save_loop_fixed(request: HttpRequest) -> HttpResponse:
    with rolled_back():
        users = User.objects.order_by("username")
        new_noti_list = [Notification(user=user, contents="반갑습니다.") for user in users]
        Notification.objects.bulk_create(new_noti_list)
    return table(request, ["Notified"], [(user.username,) for user in users])
