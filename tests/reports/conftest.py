"""Helpers of the report tests: download a report through its page, read an XLSX back, read
the text of a DOCX, and open files in LibreOffice (all in one call)."""

import io
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def post_report(client, user, kind: str, data: dict, fmt: str = "xlsx"):
    client.force_login(user)
    return client.post(f"/reports/{kind}/", {**data, "format": fmt})


def download(client, user, kind: str, data: dict, fmt: str = "xlsx") -> bytes:
    """The file a report's form answers with (built at once: a small subtree)."""
    response = post_report(client, user, kind, data, fmt)
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == (XLSX_TYPE if fmt == "xlsx" else DOCX_TYPE)
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'.{fmt}"' in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def sheets(data: bytes) -> list[str]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names


def sheet(data: bytes, index: int = 0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index).to_python()


def table(data: bytes, index: int = 0) -> tuple[list, list[list]]:
    """Header and rows of a sheet's table: the title block is the rows up to the first
    empty one."""
    rows = sheet(data, index)
    start = next(i for i, row in enumerate(rows) if not any(row)) + 1
    return rows[start], rows[start + 1 :]


def by_label(rows: list[list]) -> dict:
    """First column -> the rest, numbers as ints when whole (calamine reads floats)."""

    def value(v):
        return int(v) if isinstance(v, float) and v.is_integer() else v

    return {row[0]: [value(v) for v in row[1:]] for row in rows}


def docx_text(data: bytes) -> str:
    """Every paragraph, including those in table cells, one per line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for grid in document.tables:
        for row in grid.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def libreoffice() -> str:
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        pytest.fail(
            "LibreOffice is missing: apt-get install -y libreoffice-calc "
            "libreoffice-writer (make test installs them when run as root)"
        )
    return binary


def to_pdf(files: list[Path], outdir: Path, timeout: int = 240) -> dict[Path, Path]:
    """Convert the files in one LibreOffice run (its own profile, so that parallel runs do
    not share one); returns each file's PDF."""
    profile = Path(f"/tmp/lo-reports-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        subprocess.run(
            [
                libreoffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, files),
            ],
            check=True,
            timeout=timeout,
            capture_output=True,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return {f: outdir / f"{f.stem}.pdf" for f in files}
