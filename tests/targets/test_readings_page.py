"""docs/chi-tieu.md names, for every built-in target, the seed file it comes from, the seed's
own sentence, and the system's reading of it (issue 20: "The readings page in docs/ names, for
each built-in target, the seed file and its sentence")."""

import os
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

from targets.models import Target

PAGE = Path(settings.BASE_DIR) / "docs" / "chi-tieu.md"
SEED = re.compile(r"`(\d{3})_[0-9a-f]{16}\.txt`")


def seeds_dir() -> Path | None:
    """The source documents, where this machine has them (the repository does not hold them)."""
    for candidate in (
        os.environ.get("SEEDS_DIR"),
        Path(settings.BASE_DIR).parent / "shared" / "seeds",
        "/work/shared/seeds",
    ):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def sections() -> dict[str, str]:
    parts = re.split(r"^## ", PAGE.read_text(), flags=re.M)
    return {part.split("\n", 1)[0].strip(): part for part in parts[1:]}


@pytest.mark.django_db
def test_every_built_in_target_has_its_seed_file_sentence_and_reading():
    found = sections()
    builtins = list(Target.objects.filter(builtin=True).select_related("document"))
    assert len(builtins) >= 19
    for target in builtins:
        assert target.code in found, target.code
        text = found[target.code]
        files = SEED.findall(text)
        assert files and files[0] == target.document.code, target.code
        quotes = [line[2:] for line in text.splitlines() if line.startswith("> ")]
        assert quotes and all(len(q) > 40 for q in quotes), target.code
        assert "Cách hệ thống hiểu" in text, target.code


def test_each_quoted_sentence_is_word_for_word_in_its_seed():
    """Checked against the seeds where this machine has them (CI runs on such a machine)."""
    directory = seeds_dir()
    if directory is None:
        pytest.skip("the source documents are not on this machine")
    checked = 0
    for code, text in sections().items():
        files = SEED.findall(text)
        if not files:
            continue
        (seed,) = directory.glob(f"{files[0]}_*.txt")
        source = flat(seed.read_text())
        for line in text.splitlines():
            if line.startswith("> "):
                assert flat(line[2:]) in source, (code, line)
                checked += 1
    assert checked >= 19


def test_retired_targets_are_named_with_the_reason():
    assert "T-004-2" in sections()["Chỉ tiêu đã bỏ"]
