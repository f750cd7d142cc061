from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from accounts import twofactor

# Where a session that owes its second factor may still go.
ALLOWED = {
    twofactor.VERIFY: {"accounts:two_factor_verify", "logout", "set_language"},
    twofactor.ENROL: {"accounts:two_factor", "logout", "set_language"},
}
PAGE = {twofactor.VERIFY: "accounts:two_factor_verify", twofactor.ENROL: "accounts:two_factor"}


class SecondFactorMiddleware:
    """Pages and the admin wait for the second factor (accounts.twofactor); the API does not
    take sessions at all, only bearer tokens, and is left to its own checks."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            step = twofactor.step_due(request)
            if step and _url_name(request) not in ALLOWED[step]:
                return redirect(
                    f"{reverse(PAGE[step])}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None
