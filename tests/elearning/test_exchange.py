"""Content exchange (issue 8, acceptance 4): a course exported from one database and imported
into another is identical.

The archive is database-independent by construction — course.json names topics and roles by
code and the programme by name, never an id, and the files travel as bytes — so the same
archive loads on SQLite and on PostgreSQL. A single run of the suite has one database, so a
test cannot export on one and import on the other: the suite runs on both, and here each
database (1) round-trips a course (export, import as a new course, same canonical dump and
same file bytes, the new course exporting the same course.json), and (2) re-imports an archive
written to disk after the course tables and the media were emptied, as a fresh database
would be. Bad archives are refused with clear messages and nothing written."""

import hashlib
import io
import json
import shutil
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from elearning import exchange
from elearning.models import Choice, Course, Lesson, Module, Question
from tests.elearning.test_manage import MB, build_course, login, video_bytes

LESSON_FIELDS = (
    "title",
    "rank",
    "kind",
    "required",
    "body",
    "embed_url",
    "question_count",
    "pass_percent",
    "max_attempts",
    "time_limit_minutes",
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def dump(course: Course) -> dict:
    """Everything a course is, but its ids, code, organiser, status and timestamps; files by
    name and bytes."""
    course = Course.objects.select_related("programme").get(pk=course.pk)
    modules = []
    for module in course.modules.order_by("rank", "id"):
        lessons = []
        for lesson in module.lessons.order_by("rank", "id"):
            item = {name: getattr(lesson, name) for name in LESSON_FIELDS}
            if lesson.file:
                with lesson.file.open("rb") as handle:
                    item["file"] = (lesson.file.name.rsplit("/", 1)[-1], handle.read())
            else:
                item["file"] = None
            lessons.append(item)
        modules.append({"title": module.title, "rank": module.rank, "lessons": lessons})
    return {
        "title": course.title,
        "description": course.description,
        "hours": course.hours,
        "open_to_subtree": course.open_to_subtree,
        "programme": course.programme.name if course.programme else None,
        "topics": sorted(course.topics.values_list("code", flat=True)),
        "audience_roles": sorted(course.audience_roles.values_list("code", flat=True)),
        "modules": modules,
        "questions": [
            {
                "text": q.text,
                "multiple": q.multiple,
                "choices": [(c.text, c.correct) for c in q.choices.order_by("id")],
            }
            for q in course.questions.order_by("id")
        ],
    }


def export_bytes(course: Course) -> bytes:
    buffer = io.BytesIO()
    exchange.export_course(course, buffer)
    return buffer.getvalue()


def document_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("course.json"))


def files_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name.startswith("files/")
        }


def without_identity(document: dict) -> dict:
    """course.json but the code and organiser, which an import changes by design."""
    document = json.loads(json.dumps(document))
    del document["course"]["code"], document["course"]["organiser"]
    return document


def counts() -> tuple:
    return tuple(model.objects.count() for model in (Course, Module, Lesson, Question, Choice))


def media_files(settings) -> set:
    root = settings.MEDIA_ROOT
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# --- acceptance 4 -------------------------------------------------------------------------


def test_a_course_exported_and_imported_is_identical(tree, settings):
    course = build_course(tree)
    data = export_bytes(course)
    document = document_of(data)
    assert document["format"] == exchange.FORMAT and document["version"] == 1
    assert sorted(files_of(data)) == ["files/001/dieu-le-cong-doan.pdf", "files/002/bai-giang.mp4"]
    before = dump(course)

    imported = exchange.import_course(
        user=tree.hanoi_officer, archive=io.BytesIO(data), unit=tree.melinh
    )
    assert imported.pk != course.pk
    assert imported.code == "HN-OL-01-2"  # the code was taken: a suffix
    assert imported.organiser == tree.melinh and imported.status == "draft"
    assert dump(imported) == before == dump(course)
    # Its own copies of the files, byte for byte.
    old = {x.file.name for x in Lesson.objects.filter(module__course=course) if x.file}
    new = {x.file.name for x in Lesson.objects.filter(module__course=imported) if x.file}
    assert len(new) == 2 and not old & new

    again = export_bytes(imported)
    assert without_identity(document_of(again)) == without_identity(document)
    assert files_of(again) == files_of(data)


def test_an_archive_on_disk_reimports_into_an_emptied_database(tree, settings, tmp_path):
    course = build_course(tree)
    before = dump(course)
    path = tmp_path / "khoa-hoc.zip"
    out = io.StringIO()
    call_command("export_course", "HN-OL-01", str(path), stdout=out)
    assert "2 module(s), 5 lesson(s), 3 question(s)" in out.getvalue()
    document = document_of(path.read_bytes())

    # As a fresh database would be: no course, no lesson file.
    Course.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    assert counts() == (0, 0, 0, 0, 0)

    call_command("import_course", str(path), "--unit", "HN", stdout=out)
    imported = Course.objects.get()
    assert imported.code == "HN-OL-01" and imported.organiser == tree.hanoi
    assert imported.status == "draft"
    assert dump(imported) == before
    assert document_of(export_bytes(imported)) == document


def test_the_archive_names_reference_data_by_value_never_by_id(tree):
    document = document_of(export_bytes(build_course(tree)))

    def keys(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    assert not {"id", "pk", "course_id", "module_id", "question_id"} & set(keys(document))
    assert document["course"]["topics"] == ["labour_law", "union_general"]
    assert document["course"]["audience_roles"] == ["chair", "executive_member"]
    assert isinstance(document["course"]["programme"], str)
    quiz = document["modules"][1]["lessons"][0]
    assert quiz["quiz"] == {
        "question_count": 2,
        "pass_percent": 60,
        "max_attempts": 2,
        "time_limit_minutes": 15,
    }
    lesson = document["modules"][0]["lessons"][1]
    assert (
        lesson["file"]["sha256"]
        == hashlib.sha256(
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        ).hexdigest()
    )
    question = document["questions"][1]
    assert question["multiple"] and [c["correct"] for c in question["choices"]] == [
        True,
        True,
        False,
    ]


# --- refusals -----------------------------------------------------------------------------


def rebuild(data: bytes, *, document=None, drop=(), add=None, replace=None) -> bytes:
    """The archive with course.json replaced, entries dropped, added or changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info)
            if info.filename == "course.json" and document is not None:
                content = json.dumps(document).encode()
            if replace and info.filename in replace:
                content = replace[info.filename]
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def bad_archives(data: bytes, settings) -> dict:
    doc = document_of(data)
    pdf, video = "files/001/dieu-le-cong-doan.pdf", "files/002/bai-giang.mp4"

    def changed(change):
        copy = json.loads(json.dumps(doc))
        change(copy)
        return rebuild(data, document=copy)

    def big_video():
        settings.ELEARNING_MAX_UPLOAD_MB = 1
        content = video_bytes(MB + 10)
        copy = json.loads(json.dumps(doc))
        copy["modules"][0]["lessons"][2]["file"].update(
            size=len(content), sha256=hashlib.sha256(content).hexdigest()
        )
        return rebuild(data, document=copy, replace={video: content})

    def big_archive():
        settings.ELEARNING_MAX_ARCHIVE_MB = 1
        return rebuild(data, add={"files/extra.bin": video_bytes(MB + 10)})

    return {
        "not a zip": (lambda: b"PK? not really a zip file", "not a ZIP archive"),
        "no course.json": (lambda: rebuild(data, drop={"course.json"}), "no course.json"),
        "invalid JSON": (
            lambda: rebuild(data, replace={"course.json": b'{"format": '}),
            "not valid JSON (line 1",
        ),
        "another format": (
            lambda: changed(lambda d: d.update(format="scorm")),
            "does not describe a course",
        ),
        "unknown version": (
            lambda: changed(lambda d: d.update(version=2)),
            "Unknown format version 2",
        ),
        "unknown topics": (
            lambda: changed(lambda d: d["course"]["topics"].extend(["zz_khong_co", "aa_chua_co"])),
            "aa_chua_co, zz_khong_co",
        ),
        "unknown role": (
            lambda: changed(lambda d: d["course"]["audience_roles"].append("thu_quy")),
            "thu_quy",
        ),
        "unknown programme": (
            lambda: changed(lambda d: d["course"].update(programme="Chương trình không có")),
            "Chương trình không có",
        ),
        "path traversal entry": (
            lambda: rebuild(data, add={"../../evil.sh": b"rm -rf /"}),
            "../../evil.sh",
        ),
        "absolute entry": (lambda: rebuild(data, add={"/etc/cron.d/x": b"x"}), "/etc/cron.d/x"),
        "path traversal reference": (
            lambda: changed(
                lambda d: d["modules"][0]["lessons"][1]["file"].update(
                    name="files/../../settings.py"
                )
            ),
            "files/../../settings.py",
        ),
        "missing file": (lambda: rebuild(data, drop={pdf}), "is not in the archive"),
        "damaged file": (
            lambda: rebuild(data, replace={pdf: b"%PDF-1.4 altered"}),
            "dieu-le-cong-doan.pdf",
        ),
        "oversize file": (big_video, "larger than the limit of 1 MB"),
        "oversize archive": (big_archive, "limit of 1 MB"),
        "wrong types": (
            lambda: changed(lambda d: d["course"].update(hours="mười")),
            "“hours” must be a whole number",
        ),
        "unknown kind": (
            lambda: changed(lambda d: d["modules"][0]["lessons"][0].update(kind="h5p")),
            "“h5p”",
        ),
        "no right answer": (
            lambda: changed(
                lambda d: [c.update(correct=False) for c in d["questions"][0]["choices"]]
            ),
            "question 1: no answer is marked right",
        ),
        # Refused by the service only once rows are being written: all rolled back.
        "refused while writing": (
            lambda: changed(
                lambda d: d["modules"][1]["lessons"][0]["quiz"].update(pass_percent=150)
            ),
            "module 2, lesson 1 (pass_percent)",
        ),
    }


CASES = [
    "not a zip",
    "no course.json",
    "invalid JSON",
    "another format",
    "unknown version",
    "unknown topics",
    "unknown role",
    "unknown programme",
    "path traversal entry",
    "absolute entry",
    "path traversal reference",
    "missing file",
    "damaged file",
    "oversize file",
    "oversize archive",
    "wrong types",
    "unknown kind",
    "no right answer",
    "refused while writing",
]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_archive_is_refused_with_a_clear_message_and_nothing_written(tree, settings, case):
    course = build_course(tree)
    make, expected = bad_archives(export_bytes(course), settings)[case]
    data = make()
    before, files = counts(), media_files(settings)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        exchange.import_course(user=tree.hanoi_officer, archive=io.BytesIO(data), unit=tree.melinh)
    messages = refused.value.messages
    assert any(expected in m for m in messages), messages
    assert counts() == before
    assert media_files(settings) == files


def test_a_failure_while_writing_the_files_removes_those_written(tree, settings, monkeypatch):
    data = export_bytes(build_course(tree))
    before, files = counts(), media_files(settings)
    saved = []
    original = FileSystemStorage._save

    def failing(self, name, content):
        if saved:
            raise OSError("disk full")
        saved.append(original(self, name, content))
        return saved[-1]

    monkeypatch.setattr(FileSystemStorage, "_save", failing)
    with pytest.raises(OSError):
        exchange.import_course(user=tree.hanoi_officer, archive=io.BytesIO(data), unit=tree.melinh)
    assert len(saved) == 1
    assert counts() == before
    assert media_files(settings) == files


def test_the_import_command_reports_refusals(tree, tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="refused"):
        call_command("import_course", str(path), "--unit", "HN")
    with pytest.raises(CommandError):
        call_command("import_course", str(tmp_path / "none.zip"), "--unit", "HN")
    with pytest.raises(CommandError):
        call_command("import_course", str(path), "--unit", "KHONG-CO")
    with pytest.raises(CommandError):
        call_command("export_course", "KHONG-CO", str(tmp_path / "y.zip"))
    assert not Course.objects.exists()


# --- pages --------------------------------------------------------------------------------


def test_export_and_import_through_the_pages(client, tree, settings):
    course = build_course(tree)
    login(client, tree.hanoi_officer)
    page = client.get(f"/elearning/courses/{course.pk}/").content.decode()
    assert f"/elearning/courses/{course.pk}/export/" in page
    response = client.get(f"/elearning/courses/{course.pk}/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "khoa-hoc-HN-OL-01.zip" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert document_of(data)["course"]["code"] == "HN-OL-01"

    assert client.get("/elearning/courses/import/").status_code == 200
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # the upload lands in a temporary file
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("khoa-hoc.zip", data), "unit": "HN-DA"},
    )
    imported = Course.objects.get(code="HN-OL-01-2")
    assert response.status_code == 302
    assert response.url == f"/elearning/courses/{imported.pk}/"
    assert imported.organiser == tree.donganh and dump(imported) == dump(course)

    # A bad archive: the page lists the problems, nothing is written.
    before = counts()
    broken = rebuild(data, drop={"files/001/dieu-le-cong-doan.pdf"})
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("hong.zip", broken), "unit": "HN"},
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("dieu-le-cong-doan.pdf" in e for e in errors)
    assert counts() == before
    # Larger than the archive limit: refused before the body is read.
    settings.ELEARNING_MAX_ARCHIVE_MB = 1
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("lon.zip", video_bytes(3 * MB)), "unit": "HN"},
    )
    assert response.status_code == 413 and counts() == before


def test_import_only_into_a_unit_of_ones_scope(client, tree):
    data = export_bytes(build_course(tree))
    before = counts()
    login(client, tree.nt_officer)
    response = client.post(
        "/elearning/courses/import/", {"archive": SimpleUploadedFile("k.zip", data), "unit": "HN"}
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    # A district cannot import into its province either.
    login(client, tree.melinh_officer)
    response = client.post(
        "/elearning/courses/import/", {"archive": SimpleUploadedFile("k.zip", data), "unit": "HN"}
    )
    assert "unit" in response.context["form"].errors
    assert counts() == before
    # Nor through the service with a unit outside its subtree.
    with pytest.raises(ValidationError):
        exchange.import_course(user=tree.nt_officer, archive=io.BytesIO(data), unit=tree.hanoi)
    assert counts() == before
    # Into its own unit: fine.
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("k.zip", data), "unit": "HN-ML"},
    )
    assert response.status_code == 302
    assert Course.objects.get(code="HN-OL-01-2").organiser == tree.melinh
    # The other province's officer cannot export it.
    login(client, tree.nt_officer)
    course = Course.objects.get(code="HN-OL-01")
    assert client.get(f"/elearning/courses/{course.pk}/export/").status_code == 404
