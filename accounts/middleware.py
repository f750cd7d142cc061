from collections.abc import Callable
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from accounts import access, twofactor

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


class AccessMiddleware:
    """Pages are refused (403) to a role whose level for the route's kind of data is below
    what the route needs (accounts.access). Visitors not signed in are left to the view,
    which sends them to the login page; the API checks its token's user itself
    (api.auth.TokenAuth), and the Django admin lets system administrators only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> None:
        match = request.resolver_match
        route = match.route if match is not None else ""
        if route.startswith(("api/", "admin/")) or not request.user.is_authenticated:
            return None
        if not access.may_use_route(request.user, route):
            raise PermissionDenied
        return None
