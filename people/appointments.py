"""What filling a post checks. The cadre-work app, which sits above this one, registers the
checks when it loads (is the person in the post's succession pool, trained as the post
requires, rated at least 'completed' last year) and the record kept of each appointment.

A check that fails where it applies asks whoever appoints for a reason."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Finding:
    label: str  # what was checked, in the user's language
    ok: bool  # whether the person meets it
    binding: bool  # whether failing it needs a reason (e.g. the unit keeps a pool)


Check = Callable[["Position"], list[Finding]]  # noqa: F821 (people.models.Position)
Recorder = Callable[["Position", list[Finding], str, object], None]  # noqa: F821
CHECKS: list[Check] = []
RECORDERS: list[Recorder] = []


def register(check: Check, recorder: Recorder) -> None:
    if check not in CHECKS:
        CHECKS.append(check)
    if recorder not in RECORDERS:
        RECORDERS.append(recorder)


def review(position) -> list[Finding]:
    """Every registered check on an unsaved position (person, unit, role, start date set)."""
    return [finding for check in CHECKS for finding in check(position)]


def record(position, findings: list[Finding], reason: str, user) -> None:
    for recorder in RECORDERS:
        recorder(position, findings, reason, user)
