"""Writing the access log: one function, `access_log`, that every full view and every export
of personal data calls (pages, forms, API, exports, reports, one's own data)."""

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db import models
from django.http import HttpRequest

from lib.http import client_address
from people.models import Person
from privacy.models import Action, PersonalDataAccess, Source
from units.models import Unit


def access_log(
    *,
    user,
    action: Action,
    source: Source,
    request: HttpRequest | None = None,
    person: Person | None = None,
    unit: Unit | None = None,
    params: dict | None = None,
    count: int | None = None,
) -> PersonalDataAccess:
    """Record that `user` saw in full (or exported) personal data. `unit` defaults to the
    person's home unit; `params` are the filters or ids that say what an export held."""
    if unit is None and person is not None:
        unit = person.unit
    return PersonalDataAccess.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None else "",
        action=action,
        source=source,
        person=person,
        person_name=person.full_name if person is not None else "",
        unit=unit,
        params=_jsonable(params or {}),
        count=count,
        remote_addr=client_address(request),
    )


def log_full_view(
    request: HttpRequest, person: Person, source: Source, *, user=None
) -> PersonalDataAccess:
    """A person's masked data shown in full (the API passes its token's user)."""
    return access_log(
        user=user or request.user,
        action=Action.VIEW_FULL,
        source=source,
        request=request,
        person=person,
    )


def log_export(
    request: HttpRequest,
    source: Source,
    *,
    unit: Unit | None,
    params: dict | None = None,
    count: int | None = None,
) -> PersonalDataAccess:
    """A file listing people was handed out."""
    return access_log(
        user=request.user,
        action=Action.EXPORT,
        source=source,
        request=request,
        unit=unit,
        params=params,
        count=count,
    )


def export_count_set(entry: PersonalDataAccess, count: int) -> None:
    """The number of rows of a streamed export, known once the last row has gone."""
    PersonalDataAccess.objects.filter(pk=entry.pk).update(count=count)


def query_params(request: HttpRequest, *, drop: Iterable[str] = ("format", "page")) -> dict:
    """The page's query (its filters) as the log keeps it."""
    return {key: value for key, value in request.GET.items() if key not in drop and value}


class Counted:
    """Rows passed through and counted, for the log of an export written as it streams."""

    def __init__(self, rows: Iterable):
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator:
        for row in self.rows:
            self.count += 1
            yield row


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # decimals, lazy strings
