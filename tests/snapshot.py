"""Shared test data built once per session, and put back row for row in each test.

Building `tree` through the services costs about half a second (validations, audit entries,
signals), and a thousand tests ask for it. The first test that asks builds it as before and
records what the build wrote: the rows it inserted and the rows it changed. Every later test
inserts the same rows, with the same keys, in its own transaction (bulk inserts, no signals,
no audit) and gets its own copy of the same objects. The transaction rolls back as ever, so no
test sees another's data.

A test that runs outside a transaction (`transactional_db`, the browser's live server) builds
the data itself: it commits, and its flush at the end renumbers the reference rows the kept
rows point to, so every kept recording is forgotten then (`forget`).
"""

import copy

from django.apps import apps
from django.db import IntegrityError, connection, transaction

_kept: dict[str, "Recording"] = {}


def forget() -> None:
    """After a flush: the reference rows came back with other keys."""
    _kept.clear()


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

    def replay(self):
        for model, rows in self.inserted:
            model._base_manager.bulk_create([model(**copy.deepcopy(v)) for v in rows])
        for model, pk, diff in self.changed:
            model._base_manager.filter(pk=pk).update(**copy.deepcopy(diff))
        return copy.deepcopy(self.value)


def shared(name: str, build):
    """`build()`'s result; built once, then replayed into each test's transaction."""
    if not connection.in_atomic_block:
        return build()  # a transactional test commits what it builds; see the module's note
    kept = _kept.get(name)
    if kept is not None:
        try:
            with transaction.atomic():
                return kept.replay()
        except IntegrityError:
            # Rows this test made before asking took the same keys: build it afresh.
            return build()
    before = _rows()
    value = build()
    recording = Recording(before, _rows(), value)
    if recording.complete:
        _kept[name] = recording
    return value
