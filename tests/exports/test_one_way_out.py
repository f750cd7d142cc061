"""Security review, findings "formula injection" and "control characters": the fix holds only
if every spreadsheet handed out is written by `lib.xlsx` or `lib.downloads`, and every
download is named through Django's header builder. A new export that writes CSV or a workbook
by hand, or formats a Content-Disposition header itself, fails here."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", ".tools", ".git", "tests", "bench", "migrations", "node_modules", "static"}

# pattern: the only files allowed to hold it
RULES = {
    r"\bcsv\.(writer|DictWriter)\(": {"lib/downloads.py"},
    r"\b(xlsxwriter|openpyxl)\.Workbook\(|\bWorkbook\(": {"lib/xlsx.py"},
    # (psycopg's COPY has a write_row of its own: sheets are called sheets here.)
    r"\.write_(string|formula|array_formula|rich_string|url|column)\(|"
    r"sheet\.write(_row)?\(": {"lib/xlsx.py"},
    r"text/csv": {"lib/downloads.py"},
    r"Content-Disposition\"\]\s*=\s*\(?\s*f?['\"]": {"lib/downloads.py"},
    r"filename=\\?\"\{": set(),
}


def sources() -> list[Path]:
    return [
        path for path in ROOT.rglob("*.py") if not SKIPPED & set(path.relative_to(ROOT).parts[:-1])
    ]


@pytest.mark.parametrize("pattern", RULES)
def test_only_the_shared_writers_write_spreadsheets_and_name_downloads(pattern):
    allowed = RULES[pattern]
    found = sorted(
        str(path.relative_to(ROOT))
        for path in sources()
        if re.search(pattern, path.read_text(encoding="utf-8"))
    )
    assert [f for f in found if f not in allowed] == []
