"""Progress of long work, readable by other processes while the work's own transaction is
still open (a row updated inside that transaction would stay invisible until it commits, and
SQLite would not even let a second connection write it). One small JSON file per job.

The file's modification time is also the work's heartbeat: `heartbeat()` touches it every few
seconds while the work runs (even through a long single step), so a file older than that
means the process doing the work has died (`age()`)."""

import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


def _path(key: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "progress" / f"{key}.json"


def report(key: str, done: int, total: int, stage: str = "") -> None:
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file per writer, named by process and thread: threads of one process
    # reporting the same key at once would otherwise write, and rename away, the same file.
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps({"done": done, "total": total, "stage": stage}))
    os.replace(tmp, path)  # readers see the old or the new file, never half of one


def read(key: str) -> dict:
    try:
        data = json.loads(_path(key).read_text())
    except (OSError, ValueError):
        return {"done": 0, "total": 0, "stage": "", "percent": 0}
    data["percent"] = int(100 * data["done"] / data["total"]) if data["total"] else 0
    return data


def clear(key: str) -> None:
    _path(key).unlink(missing_ok=True)


def age(key: str) -> float | None:
    """Seconds since the work last reported or beat; None when there is no file."""
    try:
        return max(0.0, time.time() - _path(key).stat().st_mtime)
    except OSError:
        return None


@contextmanager
def heartbeat(key: str, every: float):
    """Touch the key's file every `every` seconds while the block runs (a daemon thread: it
    dies with the process, which is the point). A file cleared meanwhile is not recreated."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                os.utime(_path(key))
            except OSError:
                pass

    thread = threading.Thread(target=beat, name=f"heartbeat-{key}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
