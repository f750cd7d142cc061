"""Inserting many rows fast: COPY on PostgreSQL, one executemany on SQLite.

Django's bulk_create on SQLite is cut into statements of 999 variables (99 enrolments each)
and builds a model instance per row; an import of 100,000 participants spends most of its time
there. These helpers take plain tuples and adapt only the values the database needs adapted.
"""

import itertools
import json
import os
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models.expressions import RawSQL

SQLITE_SLICE = 5000  # rows per executemany on SQLite


def insert_rows(
    model, fields: Sequence[str], rows: Iterable[Sequence], prepared: Sequence[str] = ()
) -> int:
    """Insert `rows` (tuples in the order of `fields`) into `model`'s table; returns the count.

    No ids come back: give them in the rows, taken with `reserve_ids`. Values of the fields
    named in `prepared` are passed as they are (a JSON column given its text already)."""
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    columns = [f.column for f in model_fields]
    adapters = {i: a for i, a in _adapters(model_fields).items() if fields[i] not in prepared}
    adapt = list(adapters)
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0

    def prepared():
        nonlocal count
        for row in rows:
            count += 1
            if adapt:
                row = list(row)
                for i in adapt:
                    if row[i] is not None:
                        row[i] = adapters[i](row[i])
            yield row

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared():
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            # In slices: Django's SQLite cursor peeks at the rows through itertools.tee and
            # keeps the peeking copy alive, so one executemany holds every row it was given
            # (200,000 history entries of a records import: 130 MB).
            rows_left = prepared()
            while chunk := list(itertools.islice(rows_left, SQLITE_SLICE)):
                cursor.executemany(sql, chunk)
    return count


def insert_with_defaults(
    model, fields: tuple[str, ...], rows, prepared: Sequence[str] = ()
) -> None:
    """insert_rows, with the model's other columns that cannot be empty given their default: a
    field added to the model later (with a default) is written as the ORM would write it."""
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.name not in fields and not (f.primary_key or f.null or f.unique) and f.has_default()
    ]
    if not extra:
        insert_rows(model, fields, rows, prepared)
        return
    names = tuple(f.name for f in extra)
    insert_rows(
        model,
        (*fields, *names),
        ((*row, *(f.get_default() for f in extra)) for row in rows),
        prepared,
    )


def random_uuids(count: int) -> list[str]:
    """`count` random UUIDs (version 4, as uuid.uuid4 makes them) as 32 hex digits, which both
    databases take for a UUID column as they are (pass the field in `prepared`): a UUID
    object per row, then its hex, cost a 100,000-row import a noticeable share of its write."""
    random = os.urandom(16 * count)
    out = []
    for i in range(0, 16 * count, 16):
        value = int.from_bytes(random[i : i + 16], "big")
        value = (value & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
        out.append(f"{value:032x}")
    return out


def _adapters(model_fields) -> dict:
    """Per column, how to turn a Python value into what the driver takes, where it differs:
    SQLite stores UUIDs as hex and decimals as text; psycopg's COPY takes both as they are."""
    out = {}
    for i, f in enumerate(model_fields):
        kind = f.get_internal_type()
        if connection.vendor == "sqlite" and kind == "UUIDField":
            out[i] = lambda v: v.hex
        elif connection.vendor == "sqlite" and kind == "DecimalField":
            out[i] = str
        elif kind == "JSONField":
            out[i] = lambda v, f=f: f.get_db_prep_save(v, connection)
    return out


def reserve_ids(model, count: int) -> list[int]:
    """Ids for `count` rows about to be inserted with `insert_rows`, so that rows referring
    to them can be written without reading anything back. Call it inside the transaction that
    inserts them (on SQLite that transaction holds the database's write lock)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + count + 1))


def lookups_in(field: str, values: list, chunk: int = 5000):
    """Filters (keyword arguments) selecting the rows whose `field` is among `values`: one on
    PostgreSQL (an array parameter, unnested: one scan however many values); on SQLite one
    too for texts and whole numbers (a JSON array, read by json_each: Django prepares the
    parameters of an IN-list one by one, ~0.4 s for 10,000 citizen IDs), chunks otherwise (a
    statement takes at most 32,766 variables). No values: no filter, so no rows (an empty
    array's type could not be told)."""
    if not values:
        return
    if connection.vendor == "postgresql":
        cast = "bigint" if values and isinstance(values[0], int) else "text"
        yield {f"{field}__in": RawSQL(f"SELECT unnest(%s::{cast}[])", (list(values),))}
        return
    if values and all(type(v) is str or type(v) is int for v in values):
        yield {f"{field}__in": RawSQL("SELECT value FROM json_each(%s)", (json.dumps(values),))}
        return
    for i in range(0, len(values), chunk):
        yield {f"{field}__in": values[i : i + chunk]}
