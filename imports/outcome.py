"""What a check or a commit found: problems by row and column, people to choose between, and
counts of what was (or would be) created, updated and left unchanged.

One check tells everything (issue 23, point 5): a row with a bad cell still goes through
every later stage whose cells it has (its unit code is looked up although its date is
wrong), and a stage leaves a row out only when a cell it reads could not be read or was
refused. `Outcome` keeps which cells of which rows failed for that."""

import time
from collections import Counter
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lib import progress
from lib.spreadsheets import CellError, Column, Table, parse_text
from lib.validators import validate_one_line

PROGRESS_EVERY = 500
# A progress file is written at most this often within a stage (each write is a file created
# and renamed: 40 of them cost a 10,000-row import ~0.1 s); a new stage and the last row of
# one are always written.
PROGRESS_SECONDS = 0.25


class Outcome:
    def __init__(self, table: Table, columns: Iterable[Column], key: str):
        self.table = table
        self.columns = {c.key: c for c in columns}
        self.problems: list[dict] = []
        self.ambiguities: list[dict] = []
        self.summary: Counter = Counter()
        self.progress_key = key
        self.total = len(table.rows)
        self.failed: dict[int, set[str]] = {}  # row -> keys of its cells with a problem
        self._reported = ("", 0.0)  # stage and time of the last progress written
        # What parse_rows found (kept after a check), and what the check found before this
        # commit for the columns whose parser reads nothing but the cell (imports.pipeline).
        self.parsed: list[tuple[int, dict]] | None = None
        self.parsed_before: list[tuple[int, dict]] | None = None

    def column_label(self, key: str | None) -> str:
        if key is None:
            return ""
        return self.table.labels.get(key) or getattr(self.columns.get(key), "label", key)

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(
            {"row": row, "column": self.column_label(column), "message": str(message)}
        )
        if row is not None:
            self.failed.setdefault(row, set()).add(column or "")

    def cells_ok(self, row: int, keys: Iterable[str]) -> bool:
        """No problem so far on any of these cells of the row (each one read and accepted)."""
        failed = self.failed.get(row)
        return not failed or failed.isdisjoint(keys)

    def row_ok(self, row: int) -> bool:
        """No problem so far anywhere on the row: only such rows are written."""
        return row not in self.failed

    def sorted_problems(self) -> list[dict]:
        """Whole-file problems first, then by row, each row's left to right as in the file
        (its cells are checked in several stages)."""
        order = {label: i for i, label in enumerate(self.table.labels.values())}
        return sorted(
            self.problems, key=lambda p: (p["row"] or 0, order.get(p["column"], len(order)))
        )

    def validation_error(
        self, row: int, error: ValidationError, field_columns: dict[str, str]
    ) -> None:
        """A service's refusal, put on the column of the field it names."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                column = field_columns.get(name)
                for message in messages:
                    self.problem(row, column, message)
        else:
            for message in error.messages:
                self.problem(row, None, message)

    def step(self, done: int, stage: str) -> None:
        if done % PROGRESS_EVERY == 0 or done == self.total:
            now = time.monotonic()
            last_stage, last_time = self._reported
            if stage != last_stage or done == self.total or now - last_time >= PROGRESS_SECONDS:
                progress.report(self.progress_key, done, self.total, stage)
                self._reported = (stage, now)


def text_parser(max_length: int) -> Callable:
    """parse_text(value, max_length), with a text cell short enough given back at once (nearly
    every cell of a file: 100,000 rows have a million)."""

    def parse(value):
        if type(value) is str and len(value) <= max_length:
            return value
        return parse_text(value, max_length)

    return parse


def _hidden_character(value) -> str:
    """The model fields' refusal of a text holding an invisible character, or ""."""
    if type(value) is not str:
        return ""
    try:
        validate_one_line(value)
    except ValidationError as error:
        return error.messages[0]
    return ""


def _unreadable(what: str, shown: str) -> str:
    if what == "error":
        return _(
            "The cell shows the error %(error)s: its formula cannot be computed. Correct "
            "it in Excel (or type the value) and upload the file again."
        ) % {"error": shown}
    return _(
        "The cell holds a formula saved without its value (the file was not saved by "
        "Excel): open the file in Excel, save it and upload it again, or type the value."
    )


def parse_rows(table: Table, outcome: Outcome) -> list[tuple[int, dict]]:
    """Each row's cells through their column's parser. Every row comes back: a cell that
    could not be read (or a required one left blank) is reported and left out of the row's
    values, and `outcome.cells_ok` tells the later stages which cells failed.

    A cell whose value the file does not give (an error value such as #N/A, a formula never
    computed: Table.unreadable) is reported where it is, not read as a blank.

    No text cell may hold an invisible character (the reader has already made its line
    breaks and tabs spaces): the names and codes of an import are refused as the model's
    fields refuse them, including those the bulk imports write without the model's checks."""
    parsed = []
    unreadable = table.unreadable
    columns = outcome.columns
    before = outcome.parsed_before
    if before is not None and [r for r, _v in before] != [r for r, _raw in table.rows]:
        before = None
    for done, (row, raw) in enumerate(table.rows, 1):
        if before is None:
            values = {}
        else:  # the check's values of these cells: parsed, and refused nothing
            values = before[done - 1][1]
            raw = {key: value for key, value in raw.items() if key not in values}
        for key, value in raw.items():
            if unreadable and (row, key) in unreadable:
                outcome.problem(row, key, _unreadable(*unreadable[(row, key)]))
                continue
            column = columns[key]
            # isprintable (in C) clears nearly every text at once; only a text it does not
            # clear is looked at character by character.
            if type(value) is str and not value.isprintable():
                hidden = _hidden_character(value)
                if hidden:
                    outcome.problem(row, key, hidden)
                    continue
            try:
                parsed_value = column.parse(value)
            except CellError as error:
                outcome.problem(row, key, str(error))
                continue
            if column.required and (parsed_value is None or parsed_value == ""):
                outcome.problem(row, key, _("A value is required."))
                continue
            values[key] = parsed_value
        parsed.append((row, values))
        if done % PROGRESS_EVERY == 0 or done == outcome.total:
            outcome.step(done, "parse")
    outcome.parsed = parsed
    return parsed


def each_row(rows: list, outcome: Outcome, stage: str, done_before: int = 0) -> Iterable:
    for done, item in enumerate(rows, done_before + 1):
        yield item
        outcome.step(done, stage)


def guarded(outcome: Outcome, row: int, field_columns: dict[str, str], work: Callable):
    """Run one row's writes in a savepoint: a refusal is reported on its row and undone
    alone, so every row of the file is checked in one pass."""
    from django.db import transaction

    try:
        with transaction.atomic():
            return work()
    except ValidationError as error:
        outcome.validation_error(row, error, field_columns)
        return None


REFRESH_UNITS_MAX = 2000

# The rows an import writes, by the prefix of its summary's counts ("records_created": 3).
WRITTEN = {
    "people": "people.Person",
    "positions": "people.Position",
    "records": "training.TrainingRecord",
    "units": "units.Unit",
}


def written(outcome: Outcome) -> set[str]:
    """The models whose rows the import created, changed or deleted (by its summary)."""
    return {
        label
        for prefix, label in WRITTEN.items()
        if any(
            outcome.summary.get(f"{prefix}_{done}") for done in ("created", "updated", "deleted")
        )
    }


def targets_follow(outcome: Outcome) -> None:
    """After a commit of bulk writes (which send no signals): the targets' stored figures
    brought up to date for the people the import touched (`outcome.touched_people`) from the
    earliest day it changed (`outcome.touched_since`), as targets.signals does for one save."""
    from lib import stores
    from lib.bulk import lookups_in
    from lib.dates import today
    from people.models import Position
    from targets import snapshots
    from targets.models import Snapshot

    people = getattr(outcome, "touched_people", set())
    if not people:
        return
    # The other stored figures follow too, as the saves of what the import wrote would mark
    # them (records: those as of their days on).
    stores.written_in_bulk(written(outcome), getattr(outcome, "touched_days", ()))
    snapshots.invalidate(getattr(outcome, "touched_since", None))
    if not Snapshot.objects.filter(as_of=today(), status=Snapshot.Status.DONE).exists():
        return  # nothing stored for today: the next view computes it from scratch
    unit_ids = set()
    for lookup in lookups_in("person_id", sorted(people)):
        unit_ids.update(
            Position.objects.filter(**lookup).values_list("unit_id", flat=True).distinct()
        )
    if len(unit_ids) > REFRESH_UNITS_MAX:  # cheaper to recompute today's figures in full
        snapshots.invalidate(None, keep_today=False)
    else:
        snapshots.refresh_units(unit_ids)
