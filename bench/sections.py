"""What the benchmarks share below them: the targets' snapshots a run needs, and writing a
section of docs/benchmarks.md (load_bench, sweep_bench, growth_bench and the others import
these from here, so that none of them imports another's entry point)."""

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_snapshots(day: dt.date) -> list[tuple[dt.date, float]]:
    """Today's targets snapshot and the year-ends the dashboard charts read; (day, seconds)
    of those computed now."""
    from targets import snapshots

    computed = []
    for point in [dt.date(y, 12, 31) for y in range(day.year - 4, day.year)] + [day]:
        if snapshots.ready(point, start=False) is None:
            started = time.monotonic()
            snapshots.compute(point)
            computed.append((point, time.monotonic() - started))
            print(f"snapshot of {point} computed in {computed[-1][1]:.0f} s", file=sys.stderr)
    return computed


def write_section(text: str, name: str = "load", after: str | None = None) -> None:
    """Replace a section of docs/benchmarks.md (between its markers), or add it: right after
    section `after` when there is one, else at the end."""
    start, end = (f"<!-- {name}:start -->", f"<!-- {name}:end -->")
    path = ROOT / "docs" / "benchmarks.md"
    doc = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    anchor = f"<!-- {after}:end -->" if after and after != name else None
    if start in doc:
        doc = doc[: doc.index(start)] + block + doc[doc.index(end) + len(end) :]
    elif anchor and anchor in doc:
        at = doc.index(anchor) + len(anchor)
        doc = doc[:at] + "\n" + block + doc[at:]
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    path.write_text(doc)
