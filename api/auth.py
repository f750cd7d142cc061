"""Bearer tokens: issuing, revoking, and who may call what.

What a route asks of its caller is checked here, before any parameter is read, so a
read-only account gets 403 on a write whatever it sends, and a role gets 403 on a route of a
kind of data the access matrix (accounts.access) does not give it. Then a NUL character
anywhere in the request is refused (422) before it can reach the database.
"""

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from accounts import access, twofactor
from accounts.models import ApiToken, User
from api.errors import refuse_null_characters
from api.schemas import ErrorOut
from audit.context import attribute_to

# last_used_at is for spotting stale tokens, not an audit trail: write it at most this often
# so that reads do not each become a write.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` → the token's active user, if `allowed(user)`."""

    def __init__(self, allowed: Callable[[User], bool] = lambda user: True) -> None:
        super().__init__()
        self.allowed = allowed

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # An expired token gets the same 401 as a revoked or unknown one.
        api_token = (
            ApiToken.objects.live()
            .select_related("user__unit")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.api_token = api_token
        if not self.allowed(api_token.user) or not _route_allowed(request, api_token.user):
            raise HttpError(403, _("Not allowed"))
        refuse_null_characters(request)
        # The view runs after the middleware named the session's user (none): from here
        # on, what this request changes is the token owner's doing.
        attribute_to(api_token.user)
        return api_token.user


def _route_allowed(request: HttpRequest, user: User) -> bool:
    """The access matrix (accounts.access): the route's kind of data at the level it needs."""
    match = request.resolver_match
    return match is not None and access.may_use_route(user, match.route)


# Any active account: its own profile and its token.
signed_in = TokenAuth()
# Browse the unit's subtree: officers, lecturers, inspectors, administrators.
browser = TokenAuth(lambda user: user.can_browse)
# Change data in the subtree: training officers and administrators.
writer = TokenAuth(lambda user: user.can_write)

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str
    code: str = Field(
        "",
        description="The 6-digit code of the user's authenticator app, "
        "for a user with two-factor login (every system administrator)",
    )


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime = Field(
        ...,
        description="The token stops working then (or "
        "sooner: revoked, or a new password for its user).",
    )


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Issue a token for a username, a password and, with two-factor login, "
    "a code; 429 while the account is locked after failed attempts",
)
def token_issue(request: HttpRequest, credentials: Credentials):
    refuse_null_characters(request)
    # ModelBackend refuses inactive accounts: they get the same answer as a wrong password.
    # The lock-out after failed attempts (django-axes) counts these attempts too.
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise AuthenticationError(401, _("Wrong username or password."))
    # A token is worth a login: the second factor is asked here as on the login page.
    if twofactor.has_device(user):
        device, refusal = twofactor.check_code(user, credentials.code)
        if device is None:
            raise AuthenticationError(401, refusal)
    elif user.two_factor_required:
        raise AuthenticationError(
            401,
            _("Set up two-factor login on the website first: system administrators must use it."),
        )
    token, key = ApiToken.create_for(user)
    return {"token": key, "expires_at": token.expires_at}


@router.delete(
    "/auth/token",
    auth=signed_in,
    response={204: None, 401: ErrorOut},
    summary="Revoke the token this request is made with",
)
def token_revoke(request: HttpRequest):
    ApiToken.objects.filter(pk=request.api_token.pk).update(revoked_at=timezone.now())
    return 204, None
