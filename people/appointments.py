"""What filling a post checks. The cadre-work app, which sits above this one, registers the
checks when it loads (is the person in the post's succession pool, trained as the post
requires, rated at least 'completed' last year) and the record kept of each appointment.

A check that fails where it applies asks whoever appoints for a reason.

A check may also register its set-based twin, which answers for many posts at once (an
import's whole file) in a few queries with the same findings; the recorder likewise."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Finding:
    label: str  # what was checked, in the user's language
    ok: bool  # whether the person meets it
    binding: bool  # whether failing it needs a reason (e.g. the unit keeps a pool)


Check = Callable[["Position"], list[Finding]]  # noqa: F821 (people.models.Position)
CheckMany = Callable[[list["Position"]], list[list[Finding]]]  # noqa: F821
Recorder = Callable[["Position", list[Finding], str, object], None]  # noqa: F821
RecordMany = Callable[[list[tuple["Position", list[Finding]]], str, object], None]  # noqa: F821
CHECKS: list[Check] = []
RECORDERS: list[Recorder] = []
CHECKS_MANY: dict[Check, CheckMany] = {}
RECORDERS_MANY: dict[Recorder, RecordMany] = {}


def register(
    check: Check,
    recorder: Recorder,
    *,
    check_many: CheckMany | None = None,
    record_many: RecordMany | None = None,
) -> None:
    if check not in CHECKS:
        CHECKS.append(check)
    if recorder not in RECORDERS:
        RECORDERS.append(recorder)
    if check_many is not None:
        CHECKS_MANY[check] = check_many
    if record_many is not None:
        RECORDERS_MANY[recorder] = record_many


def review(position) -> list[Finding]:
    """Every registered check on an unsaved position (person, unit, role, start date set)."""
    return [finding for check in CHECKS for finding in check(position)]


def review_many(positions: list) -> list[list[Finding]]:
    """`review` of each of many unsaved positions (their people saved), in their order: a
    check with a set-based twin answers for all of them at once, another one post by post."""
    found: list[list[Finding]] = [[] for _p in positions]
    for check in CHECKS:
        many = CHECKS_MANY.get(check)
        answers = many(positions) if many else [check(p) for p in positions]
        for out, findings in zip(found, answers, strict=True):
            out.extend(findings)
    return found


def record(position, findings: list[Finding], reason: str, user) -> None:
    for recorder in RECORDERS:
        recorder(position, findings, reason, user)


def record_many(appointed: list[tuple], reason: str, user) -> None:
    """`record` of each (saved position, its findings), with one reason for all of them."""
    for recorder in RECORDERS:
        many = RECORDERS_MANY.get(recorder)
        if many is not None:
            many(appointed, reason, user)
            continue
        for position, findings in appointed:
            recorder(position, findings, reason, user)
