import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from schedule import registry

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> dt.datetime:
    """A moment in Viet Nam's time (settings.TIME_ZONE)."""
    return dt.datetime(*args, tzinfo=VIETNAM)


class Calls:
    """A job's body that records its calls (previous, now) and returns a summary."""

    def __init__(self, summary: str = "done", error: Exception | None = None) -> None:
        self.calls: list[tuple[dt.datetime | None, dt.datetime]] = []
        self.summary, self.error = summary, error

    def __call__(self, previous, now) -> str:
        self.calls.append((previous, now))
        if self.error is not None:
            raise self.error
        return self.summary


@pytest.fixture
def only(monkeypatch):
    """The registry holds these jobs alone for the test (the apps' own are put back after)."""

    def use(*jobs: registry.Job) -> None:
        monkeypatch.setattr(registry, "_JOBS", {job.code: job for job in jobs})

    return use
