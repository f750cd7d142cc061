"""Hostile course archives for the fuzzing suite (issue 18's acceptance: "course archives
(bombs, deep JSON, every lesson kind with wrong content)"), made from a real export: each
case of `archive_cases` is a function building its bytes, so listing the cases costs nothing
and each archive is built only by the test that sends it."""

import functools
import hashlib
import io
import json
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.fuzz.corpus import (
    MB,
    MP4,
    PDF,
    RIGHT_CONTENT,
    WRONG_CONTENT,
    append_streamed,
    damage_stream,
    entries,
    good_xlsx,
    patch_entry,
    rename_raw,
    rezip,
    seeded,
    spaces,
    zip_of_pairs,
)

PDF_ENTRY, VIDEO_ENTRY = "files/001/dieu-le-cong-doan.pdf", "files/002/bai-giang.mp4"


def document_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("course.json"))


def with_document(
    data: bytes, document, *, raw: bytes | None = None, changes: dict | None = None
) -> bytes:
    """The archive with course.json replaced (by a document, or by raw bytes)."""
    if raw is None:
        try:
            raw = json.dumps(document, ensure_ascii=False).encode()
        except UnicodeEncodeError:  # a lone surrogate: written as an escape, as JSON allows
            raw = json.dumps(document).encode()
    content = raw
    return rezip(data, {"course.json": content, **(changes or {})})


def lessons_of(document: dict) -> list[dict]:
    return [lesson for module in document["modules"] for lesson in module["lessons"]]


def lesson_of_kind(document: dict, kind: str) -> dict:
    return next(lesson for lesson in lessons_of(document) if lesson["kind"] == kind)


def pointing_at(data: bytes, kind: str, name: str, content: bytes) -> bytes:
    """The archive with its lesson of `kind` carrying the entry `name` holding `content`
    (its size and checksum made to match, as an attacker would)."""
    document = document_of(data)
    lesson = lesson_of_kind(document, kind)
    old = (lesson.get("file") or {}).get("name")
    lesson["file"] = {
        "name": name,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    changes = {name: content}
    if old and old != name:
        changes[old] = None
    return with_document(data, document, changes=changes)


def every_path(value, path=()):
    """The path of every value inside a JSON document (the document itself excluded)."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        yield (*path, key)
        yield from every_path(item, (*path, key))


def replaced(document, path, value):
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


WRONG_VALUES = [None, "mười", -1, 1.5, 10**30, True, [], {"a": 1}]


def wrong_type_documents(document: dict) -> list[tuple[str, dict]]:
    """course.json with one value anywhere replaced by a value of another type (in the first
    question and its first answer only: the others are alike)."""
    cases = []
    for path in every_path(document):
        if path[0] == "questions" and any(type(key) is int and key > 0 for key in path):
            continue
        for value in WRONG_VALUES:
            cases.append(
                (f"{'/'.join(map(str, path))} = {value!r}"[:120], replaced(document, path, value))
            )
    return cases


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    info.create_system = 3  # Unix
    return info, target.encode()


def archive_with_pairs(data: bytes, extra: list[tuple]) -> bytes:
    """The archive with more entries (names or ZipInfos, duplicates allowed) at the end."""
    return zip_of_pairs([(info, content) for info, content in entries(data)] + extra)


def deep(depth: int, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    return opener * depth + closer * depth


def course_json(document: dict, **replacements) -> bytes:
    """course.json with values replaced by raw JSON text (what json.dumps cannot write)."""
    text = json.dumps(document, ensure_ascii=False)
    for key, raw in replacements.items():
        text = text.replace(json.dumps(f"@{key}@"), raw)
    return text.encode()


SURROGATE = '"Kho\\ud800 h\\udfffc"'  # JSON text of a string holding lone surrogates


def archive_cases(base: bytes, canary: Path) -> dict[str, Callable[[], bytes]]:
    """Hostile variants of an exported course archive. `canary` is a folder outside the
    media root that entries try to reach (it must stay empty)."""

    @functools.cache
    def original() -> str:
        return json.dumps(document_of(base), ensure_ascii=False)

    def doc() -> dict:
        """A fresh copy of the exported course.json."""
        return json.loads(original())

    def pdf_of(document: dict) -> dict:
        return lesson_of_kind(document, "pdf")

    def changed(change) -> bytes:
        copy = doc()
        change(copy)
        return with_document(base, copy)

    def raw_json(**values) -> bytes:
        """course.json with these values (raw JSON text) in these places: hours, title,
        description, body (of the first lesson), question and answer (the first ones)."""
        copy = doc()
        places = {
            "hours": (copy["course"], "hours"),
            "title": (copy["course"], "title"),
            "description": (copy["course"], "description"),
            "body": (copy["modules"][0]["lessons"][0], "body"),
            "question": (copy["questions"][0], "text"),
            "answer": (copy["questions"][0]["choices"][0], "text"),
        }
        for key in values:
            parent, name = places[key]
            parent[name] = f"@{key}@"
        return with_document(base, None, raw=course_json(copy, **values))

    def file_name(name: str) -> Callable[[], bytes]:
        return lambda: changed(lambda d: pdf_of(d)["file"].update(name=name))

    def nul_entry() -> bytes:
        data = rezip(base, {"files/001/QQQQQ.pdf": PDF})
        return rename_raw(data, "files/001/QQQQQ.pdf", b"files/001/\x00../x.pdf")

    def symlinks() -> bytes:
        data = archive_with_pairs(
            base,
            [
                symlink_entry("files/009/passwd.pdf", "/etc/passwd"),
                symlink_entry("files/010/up", str(canary)),
            ],
        )
        return pointing_at_entry(data, "files/009/passwd.pdf")

    def symlink_as_pdf() -> bytes:
        # The link's "content" begins like a PDF: stored as a regular file, never a link.
        target = "%PDF-/../../../../etc/passwd"
        data = archive_with_pairs(base, [symlink_entry("files/009/lien-ket.pdf", target)])
        return pointing_at_entry(data, "files/009/lien-ket.pdf")

    def pointing_at_entry(data: bytes, name: str) -> bytes:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read(name)
        document = document_of(data)
        pdf_of(document)["file"] = {
            "name": name,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        return with_document(data, document)

    def zip_bomb_entry() -> bytes:
        content_size = 40 * MB
        digest = hashlib.sha256(MP4)
        digest.update(bytes(content_size - len(MP4)))
        document = document_of(base)
        lesson = lesson_of_kind(document, "video")
        lesson["file"] = {"name": VIDEO_ENTRY, "size": content_size, "sha256": digest.hexdigest()}
        data = rezip(base, {VIDEO_ENTRY: None, "course.json": json.dumps(document).encode()})
        chunks = [MP4 + bytes(MB - len(MP4)), *([bytes(MB)] * (content_size // MB - 1))]
        return append_streamed(data, VIDEO_ENTRY, chunks)

    def course_json_bomb() -> bytes:
        data = rezip(base, {"course.json": None})
        return append_streamed(data, "course.json", [b"{", *spaces(24 * MB), b"}"])

    def lying_course_json() -> bytes:
        data = rezip(base, {"course.json": None})
        data = append_streamed(
            data, "course.json", [original().encode()[:-1], *spaces(30 * MB), b"}"]
        )
        return patch_entry(data, "course.json", uncompressed=1000)

    def duplicate(first, second, name: str) -> Callable[[], bytes]:
        """Two entries of the same name; `first` and `second` are bytes or make them."""

        def made(content) -> bytes:
            return content() if callable(content) else content

        return lambda: zip_of_pairs(
            [(i, c) for i, c in entries(base) if i.filename != name]
            + [(name, made(first)), (name, made(second))]
        )

    def many_lessons(count: int) -> bytes:
        document = doc()
        document["modules"][0]["lessons"] += [
            {"title": f"Bài {n}", "kind": "text", "body": "x"} for n in range(count)
        ]
        return with_document(base, document)

    cases: dict[str, Callable[[], bytes]] = {
        # not a course, or not a whole one
        "empty file": lambda: b"",
        "not a zip": lambda: b"PK? not really a zip file",
        "a PDF": lambda: PDF,
        "a spreadsheet": good_xlsx,
        "random bytes after ZIP magic": lambda: b"PK\x03\x04" + seeded(9, 4000),
        **{
            f"cut: {label}": (lambda cut=cut: cut(base))
            for label, cut in {
                "all but 10 bytes": lambda d: d[:10],
                "two thirds": lambda d: d[: len(d) // 3],
                "the end record": lambda d: d[:-22],
                "the last byte": lambda d: d[:-1],
                "no central directory": lambda d: d[: zipfile.ZipFile(io.BytesIO(d)).start_dir],
                "its first byte": lambda d: d[1:],
            }.items()
        },
        # bombs
        "zip bomb as the video": zip_bomb_entry,
        "course.json unpacking to 24 MB": course_json_bomb,
        "course.json lying about its size": lying_course_json,
        "directory declaring 4 GB": lambda: patch_entry(
            base, VIDEO_ENTRY, local=False, uncompressed=0xFFFFFFF0
        ),
        "10,001 entries": lambda: rezip(base, {f"files/pad/{n:05d}": b"" for n in range(10_001)}),
        "2,000 text lessons": lambda: many_lessons(2_000),
        # JSON
        "deep JSON, 100,000 nested lists": lambda: with_document(base, None, raw=deep(100_000)),
        "deep JSON, 100,000 nested objects": lambda: with_document(
            base,
            None,
            raw=b'{"format": "daotao-congdoan/course", "version": 1, "course": '
            + deep(100_000, b'{"a":', b"}")
            + b"}",
        ),
        "deep JSON in the topics": lambda: with_document(
            base,
            None,
            raw=original()
            .replace('"topics": [', '"topics": [' + "[" * 50_000 + "]" * 50_000 + ",")
            .encode(),
        ),
        "deep JSON just under the recursion limit": lambda: with_document(
            base,
            None,
            raw=original()
            .replace('"topics": [', '"topics": [' + "[" * 900 + "]" * 900 + ",")
            .encode(),
        ),
        "a 5 MB title": lambda: changed(lambda d: d["course"].update(title="x" * 5 * MB)),
        "a 5 MB lesson text": lambda: changed(
            lambda d: d["modules"][0]["lessons"][0].update(body="<p>x</p>" * (MB // 2))
        ),
        "a 5,000-digit number": lambda: raw_json(hours="9" * 5000),
        "NaN and Infinity": lambda: raw_json(hours="NaN", title="Infinity"),
        "a NUL in the title": lambda: raw_json(title=json.dumps("Khoá\u0000học")),
        "a lone surrogate in the title": lambda: raw_json(title=SURROGATE),
        "a NUL in the description": lambda: raw_json(description=json.dumps("<p>a\u0000b</p>")),
        "a lone surrogate in the description": lambda: raw_json(description=SURROGATE),
        "a NUL in a lesson text": lambda: raw_json(body=json.dumps("<p>a\u0000b</p>")),
        "a lone surrogate in a lesson text": lambda: raw_json(body=SURROGATE),
        "a NUL in a question and an answer": lambda: raw_json(
            question=json.dumps("Câu\u0000hỏi"), answer=json.dumps("Đáp\u0000án")
        ),
        "a lone surrogate in a question": lambda: raw_json(question=SURROGATE),
        "a lone surrogate in an answer": lambda: raw_json(answer=SURROGATE),
        "control characters in the title": lambda: raw_json(
            title=json.dumps("Khoá\x1b[31m\r\nhọc\u202e\u200b")
        ),
        "a number of 1e999": lambda: raw_json(hours="1e999"),
        "course.json in UTF-16": lambda: with_document(base, None, raw=original().encode("utf-16")),
        "course.json not UTF-8": lambda: with_document(
            base, None, raw=original().encode().replace("Kỹ".encode(), b"K\xfe\xff")
        ),
        "course.json a list": lambda: with_document(base, [doc()]),
        "course.json a string": lambda: with_document(base, "daotao-congdoan/course"),
        "course.json nothing but nulls": lambda: with_document(
            base, {k: None for k in doc()} | {"format": doc()["format"], "version": 1}
        ),
        "every list empty": lambda: changed(
            lambda d: d.update(modules=[], questions=[]) or d["course"].update(topics=[])
        ),
        "a javascript: video link": lambda: changed(
            lambda d: lesson_of_kind(d, "embed").update(embed_url="javascript:alert(1)")
        ),
        "a script in every text": lambda: changed(
            lambda d: [
                lesson.update(body="<script>alert(1)</script><img src=x onerror=alert(1)>")
                for lesson in lessons_of(d)
            ]
        ),
        "a quiz of a million questions": lambda: changed(
            lambda d: lesson_of_kind(d, "quiz")["quiz"].update(question_count=10**6)
        ),
        "a course code of spaces": lambda: changed(lambda d: d["course"].update(code="   ")),
        # names
        "entry ../": lambda: rezip(base, {"../../fuzz-escape.txt": b"x"}),
        "entry absolute": lambda: rezip(base, {f"{canary}/absolute.txt": b"x"}),
        "entry with backslashes": lambda: rezip(base, {"files\\..\\..\\evil.bat": b"x"}),
        "entry with a drive letter": lambda: rezip(base, {"C:/Windows/evil.bat": b"x"}),
        "entry with a NUL": nul_entry,
        "entry name not UTF-8": lambda: rename_raw(
            rezip(base, {"files/003/QQ.pdf": PDF}), "files/003/QQ.pdf", b"files/003/\xff\xfe.pdf"
        ),
        "lesson file ../": file_name("files/../../settings.py"),
        "lesson file absolute": file_name(f"{canary}/x.pdf"),
        "lesson file a folder": file_name("files/001/"),
        "lesson file with a NUL": file_name("files/001/dieu-le-cong-doan.pdf\x00.html"),
        "lesson file with backslashes": file_name("files\\001\\dieu-le-cong-doan.pdf"),
        "lesson file of 300 characters": lambda: pointing_at(
            base, "pdf", "files/001/" + "a" * 290 + ".pdf", PDF
        ),
        "lesson file course.json": file_name("course.json"),
        "symlink entries": symlinks,
        "a symlink whose target looks like a PDF": symlink_as_pdf,
        # duplicates
        "course.json twice (good, then deep)": duplicate(
            lambda: original().encode(), lambda: deep(100_000), "course.json"
        ),
        "course.json twice (deep, then good)": duplicate(
            lambda: deep(100_000), lambda: original().encode(), "course.json"
        ),
        "the PDF twice (PDF, then a page)": duplicate(PDF, WRONG_CONTENT["html"], PDF_ENTRY),
        "the PDF twice (a page, then PDF)": duplicate(WRONG_CONTENT["html"], PDF, PDF_ENTRY),
        # damaged entries
        "an entry compressed by an unknown method": lambda: patch_entry(base, PDF_ENTRY, method=99),
        "an encrypted entry": lambda: patch_entry(base, PDF_ENTRY, flags=1),
        "course.json encrypted": lambda: patch_entry(base, "course.json", flags=1),
        "an entry with a wrong CRC": lambda: patch_entry(base, PDF_ENTRY, crc=0xDEADBEEF),
        "course.json's deflated bytes damaged": lambda: damage_stream(base, "course.json"),
        "a deflated lesson file damaged": lambda: damage_stream(
            rezip(base, {}, zipfile.ZIP_DEFLATED), PDF_ENTRY
        ),
        "an LZMA course.json damaged": lambda: damage_stream(
            rezip(base, {}, zipfile.ZIP_LZMA), "course.json", 4
        ),
        "an entry needing zip version 10.9": lambda: patch_entry(
            base, PDF_ENTRY, version_needed=109
        ),
        "a checksum in upper case and a size as text": lambda: changed(
            lambda d: pdf_of(d)["file"].update(
                sha256=pdf_of(d)["file"]["sha256"].upper(), size="71"
            )
        ),
    }
    # every lesson kind carrying a file of the wrong content
    for kind, right in RIGHT_CONTENT.items():
        for label, content in WRONG_CONTENT.items():
            if label in right:
                continue
            extension = {"pdf": "pdf", "video": "mp4"}.get(kind, "pdf")
            cases[f"{kind} lesson carrying {label}"] = (
                lambda kind=kind, content=content, extension=extension: pointing_at(
                    base, kind, f"files/008/bai.{extension}", content
                )
            )
    return cases


# Cases a successful import is a right answer to (the hostile part is cleaned or harmless).
ARCHIVES_THAT_MAY_IMPORT = {
    "2,000 text lessons",
    "a 5 MB lesson text",
    "a script in every text",
    "a course code of spaces",
    "course.json twice (deep, then good)",
    "the PDF twice (a page, then PDF)",
    "a symlink whose target looks like a PDF",
    "deep JSON just under the recursion limit",
    "lesson file of 300 characters",
    "a checksum in upper case and a size as text",
    "a quiz of a million questions",
    "every list empty",
    "control characters in the title",
    "entry with a NUL",
    "entry name not UTF-8",
    "a NUL in the description",  # cleaned away with the HTML
    "a NUL in a lesson text",
}
