"""Shared test data built once per session, and put back row for row in each test.

Building `tree` through the services costs about half a second (validations, audit entries,
signals), and a thousand tests ask for it. The first test that asks builds it as before and
records what the build wrote: the rows it inserted and the rows it changed. Every later test
inserts the same rows, with the same keys, in its own transaction (bulk inserts, no signals,
no audit) and gets its own copy of the same objects. The transaction rolls back as ever, so no
test sees another's data.

A test that runs outside a transaction (`transactional_db`, the browser's live server)
replays the same recording, committed; its flush at the end empties every table, and Django
then writes the content types and permissions back under new keys. Before the next test the
rows the migrations left are put back as they were, keys and all (`restore_initial`), so the
kept recordings still point at the right rows: a browser test no longer builds the demo
(about 20 s) or seeds the reference rows again.
"""

import copy

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

_kept: dict[str, "Recording"] = {}
_initial: dict | None = None  # every table's rows as the migrations left them
_initial_recording: "Recording | None" = None  # the same, as statements ready to replay


def remember_initial() -> None:
    """Called once, on the freshly migrated test database, before any test writes to it."""
    global _initial
    if _initial is None:
        _initial = _rows()


def restore_initial() -> bool:
    """After a flush: empty what `post_migrate` may have written back and put back the
    migrated rows with their own keys. False if nothing was remembered (then seed the usual
    way)."""
    global _initial_recording
    if _initial is None:
        return False
    from django.contrib.contenttypes.models import ContentType

    if _initial_recording is None:
        _initial_recording = Recording({}, _initial, None)
    with transaction.atomic():
        for model in _models():
            model._base_manager.all()._raw_delete(connection.alias)
        _initial_recording.replay(stamp=False)  # as they were migrated, timestamps too
    # The cache may hold the keys `post_migrate` gave the content types a moment ago.
    ContentType.objects.clear_cache()
    _sequences_past([model for model, rows in _initial.items() if rows])
    return True


def _sequences_past(models) -> None:
    """On PostgreSQL, rows inserted with their keys leave the tables' sequences where they
    were, and a test's restore (lib/backup.py) may have set them back: move each past the
    highest key, or the next row the test writes takes a replayed row's key. (SQLite moves
    its own.) Outside a transaction only: inside one the sequences are already past, the
    build having drawn them."""
    from django.core.management.color import no_style

    if connection.vendor != "postgresql" or not models:
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _rows() -> dict:
    return {model: {row["pk"]: row["values"] for row in _dump(model)} for model in _models()}


def _dump(model):
    for obj in model._base_manager.all().iterator(chunk_size=2000):
        yield {"pk": obj.pk, "values": _values(obj)}


class Recording:
    """The rows a build inserted and changed, and the objects it returned."""

    def __init__(self, before: dict, after: dict, value):
        self.inserted: list[tuple] = []
        self.changed: list[tuple] = []
        self.complete = True
        for model, rows in after.items():
            old = before.get(model, {})
            if set(old) - set(rows):
                self.complete = False  # the build deleted rows: not something to replay
            new = [values for pk, values in rows.items() if pk not in old]
            if new:
                self.inserted.append((model, new))
            for pk, values in rows.items():
                if pk in old and old[pk] != values:
                    diff = {k: v for k, v in values.items() if old[pk].get(k) != v}
                    self.changed.append((model, pk, diff))
        self.value = copy.deepcopy(value)
        self._prepared: dict[str, list[tuple]] = {}

    def replay(self, stamp: bool = True):
        with connection.cursor() as cursor:
            for table, sql, params, stamped in self._statements():
                if stamped and stamp:  # as bulk_create would: written now, not when recorded
                    now = [(i, f.get_db_prep_save(timezone.now(), connection)) for i, f in stamped]
                    params = [_stamp(row, now) for row in params]
                if connection.vendor == "postgresql":
                    # COPY: a third of the time of one INSERT a row, even pipelined.
                    with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copying:
                        for row in params:
                            copying.write_row(row)
                else:
                    cursor.executemany(sql, params)
        for model, pk, diff in self.changed:
            model._base_manager.filter(pk=pk).update(**copy.deepcopy(diff))
        return copy.deepcopy(self.value)

    def _statements(self) -> list[tuple]:
        """One INSERT per table with its rows' values as the database takes them, made once:
        a replay is then one `executemany` a table (the demo's 18,000 rows: ~1.1 s through
        `bulk_create`, which builds a model instance per row and compiles every batch)."""
        kept = self._prepared.get(connection.vendor)
        if kept is None:
            kept = self._prepared[connection.vendor] = [
                _statement(model, rows) for model, rows in self.inserted
            ]
        return kept


def _statement(model, rows) -> tuple:
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    table = "{} ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    sql = "INSERT INTO {} VALUES ({})".format(table, ", ".join(["%s"] * len(fields)))
    params = [
        tuple(f.get_db_prep_save(copy.deepcopy(row[f.attname]), connection) for f in fields)
        for row in rows
    ]
    stamped = [
        (i, f)
        for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    return table, sql, params, stamped


def _stamp(row: tuple, now: list[tuple]) -> tuple:
    row = list(row)
    for i, value in now:
        row[i] = value
    return tuple(row)


def shared(name: str, build):
    """`build()`'s result; built once, then replayed into each test's transaction."""
    kept = _kept.get(name)
    if kept is not None:
        try:
            with transaction.atomic():
                value = kept.replay()
            if not connection.in_atomic_block:
                _sequences_past([model for model, _ in kept.inserted])
            return value
        except IntegrityError:
            # Rows this test made before asking took the same keys: build it afresh.
            return build()
    before = _rows()
    value = build()
    recording = Recording(before, _rows(), value)
    if recording.complete:
        _kept[name] = recording
    return value
