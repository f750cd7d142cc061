"""A user's own notifications: the inbox, opening one (its object, marked read), marking read,
and how each kind reaches them. Every user reaches these pages; each sees only their own (a
notice of someone else's is not found)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import channels, selectors, services
from notifications.models import Notification, PreferredChannel, Timing

PAGE_SIZE = 50


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _own(request: HttpRequest, value: str | None) -> Notification:
    return get_object_or_404(Notification, pk=_int(value), recipient=request.user)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(n, *n.text()) for n in page]
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "rows": rows, "unread": selectors.unread_count(request.user)},
    )


@login_required
def open_one(request: HttpRequest) -> HttpResponse:
    """The link of the inbox and of the mail: marks the notice read and opens its object."""
    notification = _own(request, request.GET.get("id"))
    services.notification_read(user=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    if request.POST.get("all"):
        services.notifications_read_all(user=request.user)
    else:
        services.notification_read(
            user=request.user, notification=_own(request, request.POST.get("id"))
        )
    page = _int(request.POST.get("page"))
    return redirect(reverse("notifications:inbox") + (f"?page={page}" if page else ""))


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preferences_of(request.user)
    if request.method == "POST":
        # A kind the form leaves out keeps what it has.
        choices = {
            kind.code: (
                request.POST.get(f"{kind.code}-channel", channel),
                request.POST.get(f"{kind.code}-timing", timing),
            )
            for kind, channel, timing in rows
        }
        try:
            services.preferences_save(user=request.user, choices=choices)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your choices were saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "channels": PreferredChannel.choices,
            "timings": Timing.choices,
            "address": channels.external().address(request.user),
        },
    )
