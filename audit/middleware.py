"""Every log entry written while a request runs carries its user and address."""

from django.http import HttpRequest

from audit.context import Actor, acting
from lib.http import client_address


class AuditMiddleware:
    """After AuthenticationMiddleware (and OTPMiddleware): the user is read from the request
    only when an entry is written. API requests have no session user; api.auth names the
    token's owner once it has checked the token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        with acting(Actor(request=request, remote_addr=client_address(request))):
            return self.get_response(request)
