"""The accounts' pitfalls: each one as a bad view and, right
under it, the fixed view."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse

from pitfalls.pages import rolled_back, table

from .models import Ban, Notification, User

BANS = "bans test_user"
BANNED = "banned by test_user"

# An OR across two reverse relations joins the same table twice ------------------


def or_join_bad(request: HttpRequest) -> HttpResponse:
    user = User.objects.get(username="test_user")
    users = User.objects.filter(Q(banning=user) | Q(banned=user)).order_by("username")
    # The OR cannot say which side matched: ask again for those who ban test_user.
    bans_test_user = set(user.banned.values_list("id", flat=True))
    rows = [(u.username, BANS if u.id in bans_test_user else BANNED) for u in users]
    return table(request, ["User", "Ban"], rows)


def or_join_fixed(request: HttpRequest) -> HttpResponse:
    user = User.objects.get(username="test_user")
    # Each side is an EXISTS, not a JOIN: every user once, and the row itself
    # says which side matched, so nothing is asked again.
    bans_test_user = Ban.objects.filter(user_from=OuterRef("pk"), user_to=user)
    banned = Ban.objects.filter(user_from=user, user_to=OuterRef("pk"))
    users = (
        User.objects.annotate(bans_test_user=Exists(bans_test_user))
        .filter(Q(bans_test_user=True) | Exists(banned))
        .order_by("username")
    )
    rows = [(u.username, BANS if u.bans_test_user else BANNED) for u in users]
    return table(request, ["User", "Ban"], rows)


# save() in a loop; the writes are rolled back after the page --------------------


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
