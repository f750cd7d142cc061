"""Every log entry written while a request runs carries its user and address."""

from django.http import HttpRequest

from audit.context import Actor, acting


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the login lock-out reads it (django-axes: REMOTE_ADDR, or
    X-Forwarded-For behind the number of proxies configured by AXES_PROXY_COUNT), so that a
    header sent by the client itself is never taken for its address."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


class AuditMiddleware:
    """After AuthenticationMiddleware (and OTPMiddleware): the user is read from the request
    only when an entry is written. API requests have no session user; api.auth names the
    token's owner once it has checked the token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        with acting(Actor(request=request, remote_addr=client_address(request))):
            return self.get_response(request)
