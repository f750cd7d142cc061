"""SQL compiled once per shape and run many times.

Building and compiling a target's query (targets.engine) costs 10–20 ms of Python per target:
a person's page of obligations spent ~170 ms compiling and ~20 ms in the database. The SQL
depends only on what the caller puts in the key (the target's definitions, the day, ...): the
people or rows it is asked about enter as parameters. So the caller builds the queryset once
with a stand-in value (`STAND_IN`) where the varying value goes, and later calls bind the real
value in its place. The SQL run is the one Django compiled, with the same parameters.

The caller must put in the key everything the built SQL depends on; what is read from the
database while building (a unit's path, say) belongs in the key too.
"""

from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

# An id no row has, put where the varying value goes: found among the parameters afterwards.
STAND_IN = -7_340_033
# Shapes kept per process: a few per target and day asked (a statement is 5–35 KB: at most
# ~7 MB here); past it the cache starts again.
LIMIT = 500


class Compiled:
    def __init__(self, sql: str | None, params: tuple, using: str):
        self.sql, self.params, self.using = sql, params, using

    @property
    def empty(self) -> bool:
        """The query matches nothing whatever the value (Django compiles none() to this)."""
        return self.sql is None

    def bound(self, value=None) -> tuple:
        return tuple(value if p == STAND_IN and type(p) is int else p for p in self.params)

    def dicts(self, value=None) -> list[dict]:
        """The rows as dicts, by column name."""
        if self.empty:
            return []
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self.bound(value))
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def objects(self, model, value=None) -> list:
        """The rows as `model` instances; columns that are not fields become attributes
        (unconverted: a boolean is 0/1 on SQLite)."""
        if self.empty:
            return []
        return list(model.objects.using(self.using).raw(self.sql, self.bound(value)))


_KEPT: dict[tuple, Compiled] = {}


def compiled(key: tuple, build: Callable[[], QuerySet], *, stand_in: bool = False) -> Compiled:
    """`build()`'s SQL, compiled on the first call for `key` only. With `stand_in`, the
    queryset must carry `STAND_IN` where `Compiled.bound(value)` puts the value."""
    full_key = (connections["default"].vendor, *key)
    found = _KEPT.get(full_key)
    if found is None:
        qs = build()
        try:
            sql, params = qs.query.get_compiler(using=qs.db).as_sql()
        except EmptyResultSet:
            sql, params = None, ()
        if stand_in and sql is not None and STAND_IN not in params:
            raise ValueError("the built query does not carry the stand-in value")
        found = Compiled(sql, tuple(params), qs.db)
        if len(_KEPT) >= LIMIT:
            _KEPT.clear()
        _KEPT[full_key] = found
    return found
