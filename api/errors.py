"""Every error the API answers, in one shape and in the user's language.

422 bodies are `{"detail": [{"field": ..., "message": ...}]}` whether the services refused
the data (Django's ValidationError) or the request did not parse (ninja's ValidationError);
other errors are `{"detail": "message"}`.
"""

import json
import re
from functools import partial

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as ServiceError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestError

from lib.numbers import number
from lib.validators import has_unstorable_character

# pydantic's messages are English only: the common ones get Django's own wording, which
# Django ships translated. Anything else keeps pydantic's message.
DJANGO_MESSAGES = {
    "missing": "This field is required.",
    "date_type": "Enter a valid date.",
    "date_parsing": "Enter a valid date.",
    "date_from_datetime_parsing": "Enter a valid date.",
    "date_from_datetime_inexact": "Enter a valid date.",
    "int_type": "Enter a whole number.",
    "int_parsing": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "enum": "Select a valid choice. That choice is not one of the available choices.",
    "literal_error": "Select a valid choice. That choice is not one of the available choices.",
    "list_type": "Enter a list of values.",
    "bool_type": "Enter a valid value.",
    "bool_parsing": "Enter a valid value.",
    "string_type": "Enter a valid value.",
    # Django's own validator message, which its Vietnamese catalogue lacks: ours has it.
    "null_characters": gettext_noop("Null characters are not allowed."),
    # Half of a UTF-16 pair (a JSON "\\ud800" escape): no database stores it either.
    "broken_characters": gettext_noop("Broken characters (half of a UTF-16 pair) are not allowed."),
}


def _field_of(loc: tuple) -> str | None:
    """("body", "payload", "sources", 1) → "sources.1"; ("query", "on") → "on"."""
    source, *rest = loc
    if source == "body" and rest:
        rest = rest[1:]  # the view's parameter name, not a field of the document
    return ".".join(str(part) for part in rest) or None


def _nul_paths(value, path: tuple) -> list[tuple]:
    """(path, error type) of each text holding a NUL or half of a UTF-16 pair."""
    if isinstance(value, str):
        if not has_unstorable_character(value):
            return []
        return [(path, "null_characters" if "\x00" in value else "broken_characters")]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _nul_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _nul_paths(item, (*path, i))]
    return []


# How a NUL or half of a UTF-16 pair is written in JSON (a raw one is not UTF-8).
UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def refuse_null_characters(request: HttpRequest) -> None:
    """A NUL character anywhere in the path, the query or a JSON body is a 422, as in Django's
    forms (ProhibitNullCharactersValidator): PostgreSQL can neither store nor compare it, so
    it reached the database as a 500 (found by schemathesis). So is a lone surrogate in a
    JSON body ("\\ud800"), which no database can store (issue 18's fuzzing)."""
    locs = []
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    locs += [(("path", *p), kind) for p, kind in _nul_paths(dict(kwargs), ())]
    locs += [
        (("query", key), "null_characters")
        for key, values in request.GET.lists()
        if any("\x00" in value for value in values)
    ]
    if request.content_type == "application/json" and UNSTORABLE_ESCAPE.search(request.body):
        try:
            locs += [
                (("body", "payload", *p), kind)
                for p, kind in _nul_paths(json.loads(request.body), ())
            ]
        except (ValueError, RecursionError):
            pass  # ninja answers an unreadable body itself
    if locs:
        raise RequestError(
            [{"type": kind, "loc": loc, "msg": DJANGO_MESSAGES[kind]} for loc, kind in locs]
        )


def _request_errors(request: HttpRequest, exc: RequestError, api: NinjaAPI) -> HttpResponse:
    detail = []
    for error in exc.errors:
        message = DJANGO_MESSAGES.get(error["type"])
        detail.append(
            {
                "field": _field_of(tuple(error["loc"])),
                "message": _(message) if message else error["msg"],
                "type": error["type"],
            }
        )
    return api.create_response(request, {"detail": detail}, status=422)


def _service_errors(request: HttpRequest, exc: ServiceError, api: NinjaAPI) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        detail = [
            {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        detail = [{"field": None, "message": message} for message in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


def _not_found(request: HttpRequest, exc: Http404, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found")}, status=404)


def _forbidden(request: HttpRequest, exc: PermissionDenied, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not allowed")}, status=403)


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    message = str(exc)
    if isinstance(exc, AuthenticationError) and message == "Unauthorized":
        # ninja's answer to a missing, unknown or revoked token.
        message = _("Send a valid API token: Authorization: Bearer <token>.")
    elif exc.status_code == 400 and message.startswith("Cannot parse request body"):
        # ninja's answer to a body that is not JSON (with the parser's error under DEBUG).
        message = _("The request body is not valid JSON.")
    response = api.create_response(request, {"detail": message}, status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _too_big(request: HttpRequest, exc: RequestDataTooBig, api: NinjaAPI) -> HttpResponse:
    """A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE (files are not counted): said in JSON and
    the user's language, not as Django's English HTML page."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return api.create_response(
        request,
        {
            "detail": _("The request body is larger than the limit of %(kb)s KB.")
            % {"kb": number(limit // 1024, True)}
        },
        status=413,
    )


def install(api: NinjaAPI) -> None:
    for exc_class, handler in (
        (RequestError, _request_errors),
        (ServiceError, _service_errors),
        (Http404, _not_found),
        (PermissionDenied, _forbidden),
        (HttpError, _http_error),
        (RequestDataTooBig, _too_big),
    ):
        api.add_exception_handler(exc_class, partial(handler, api=api))
