"""What a request says about its client."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address, recorded by the change history and the access log of personal
    data. With no proxy configured, REMOTE_ADDR: an X-Forwarded-For the client sends itself is
    never taken for its address. Behind N proxies (AXES_PROXY_COUNT, kept by the settings as
    AXES_IPWARE_PROXY_COUNT), the N-th address from the right of X-Forwarded-For: each proxy
    appends the address it was reached from (nginx's $proxy_add_x_forwarded_for), so what the
    client wrote stays to the left. Read here rather than through django-axes, whose proxy
    support needs django-ipware, which the project does not install."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote  # not passed through every proxy
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote
