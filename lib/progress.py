"""Progress of long work, readable by other processes while the work's own transaction is
still open (a row updated inside that transaction would stay invisible until it commits, and
SQLite would not even let a second connection write it). One small JSON file per job."""

import json
import os
from pathlib import Path

from django.conf import settings


def _path(key: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "progress" / f"{key}.json"


def report(key: str, done: int, total: int, stage: str = "") -> None:
    path = _path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
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
