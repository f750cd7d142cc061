"""A user's own calendar: the page where they get (and renew or revoke) their feed's secret
address, and the feed itself, which calendar apps read without logging in."""

import datetime as dt
import urllib.parse

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calendars import selectors, services
from calendars.models import CalendarFeed
from training.calendar import calendar, ics_response

# How often a calendar app should read the feed again (phones and Outlook follow it).
REFRESH = dt.timedelta(hours=4)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def _links(request: HttpRequest, token: str) -> dict:
    """The feed's address, and the same address as the calendar apps take it."""
    url = request.build_absolute_uri(reverse("calendars:feed", args=[token]))
    webcal = "webcal://" + url.split("://", 1)[1]
    name = _("Union training calendar")
    return {
        "url": url,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?"
        + urllib.parse.urlencode({"cid": webcal}),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?"
        + urllib.parse.urlencode({"url": url, "name": name}),
    }


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """ "Lịch của tôi": what the feed holds next, and its address — shown once, right after it
    is made (only its hash is kept); making a new one revokes the old."""
    links = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.feed_revoke(user=request.user):
                messages.success(request, _("The calendar link was revoked: it no longer works."))
            return redirect("calendars:mine")
        token = services.feed_renew(user=request.user)
        links = _links(request, token)
    now = timezone.now()
    events = selectors.feed_events(
        request.user, today=timezone.localdate(), base_url=_base(request), now=now
    )
    response = render(
        request,
        "calendars/mine.html",
        {
            "feed": CalendarFeed.objects.filter(user=request.user).first(),
            "links": links,
            "upcoming": selectors.upcoming(events, timezone.localdate()),
            "count": len(events),
        },
    )
    add_never_cache_headers(response)  # the page that shows the secret link is kept nowhere
    return response


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed: no login (a calendar app cannot log in); the token is the key. An unknown,
    revoked or replaced token is not found, whoever asks. It shows its owner's calendar only,
    whoever is signed in."""
    found = services.feed_for_token(token)
    if found is None:
        raise Http404
    # In the owner's language (their mail's): a calendar app sends no session to read it from.
    with translation.override(found.user.language or settings.LANGUAGE_CODE):
        events = selectors.feed_events(
            found.user, today=timezone.localdate(), base_url=_base(request), now=timezone.now()
        )
        data = calendar(events, name=_("Union training calendar"), refresh=REFRESH)
    response = ics_response(data, "lich-dao-tao.ics", inline=True)
    patch_cache_control(response, private=True, no_cache=True)  # one person's, always fresh
    return response
