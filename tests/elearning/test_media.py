"""Acceptance 3 of issue 8: a video of several MB plays and seeks — its file is served with
range requests (206 with the exact bytes and Content-Range, 416 past the end, 200 without a
Range), streamed in chunks, and only to those the course is open to, its learners and the
officers of the organiser's subtree."""

import pytest
from django.urls import reverse

from elearning import media
from tests.elearning.test_learn import make_learn_world

SIZE = 5 * 1024 * 1024 + 123  # several MB, not a round number of chunks


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_learn_world(tree, video_size=SIZE)


def url(world):
    return reverse("elearning:learn_file", args=[world.video.pk])


def body(response) -> bytes:
    assert response.streaming, "the file is streamed, not read whole"
    chunks = list(response.streaming_content)
    assert all(len(chunk) <= media.CHUNK for chunk in chunks)
    return b"".join(chunks)


def test_whole_file_without_range(world, client):
    client.force_login(world.cadre)
    response = client.get(url(world))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(SIZE)
    assert "Content-Range" not in response
    assert response["Content-Disposition"].startswith("inline")
    assert body(response) == world.data


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, SIZE - 1),
        ("bytes=3000000-3999999", 3000000, 3999999),  # a seek into the middle
        (f"bytes={SIZE - 1}-{SIZE - 1}", SIZE - 1, SIZE - 1),  # the last byte
        (f"bytes={SIZE - 1}-", SIZE - 1, SIZE - 1),
        (f"bytes={SIZE - 10}-{SIZE + 5000}", SIZE - 10, SIZE - 1),  # clamped to the end
        ("bytes=-1", SIZE - 1, SIZE - 1),  # suffix: the last byte
        ("bytes=-500", SIZE - 500, SIZE - 1),
        (f"bytes=-{SIZE + 10}", 0, SIZE - 1),  # a suffix longer than the file: all of it
        ("bytes = 10 - 20", 10, 20),
    ],
)
def test_one_range_is_answered_206(world, client, header, first, last):
    client.force_login(world.cadre)
    response = client.get(url(world), HTTP_RANGE=header)
    assert response.status_code == 206, header
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Accept-Ranges"] == "bytes" and response["Content-Type"] == "video/mp4"
    assert body(response) == world.data[first : last + 1]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 5}-{SIZE + 10}", "bytes=-0"])
def test_range_past_the_end_is_416(world, client, header):
    client.force_login(world.cadre)
    response = client.get(url(world), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize(
    "header", ["bytes=0-10,20-30", "bytes=5-2", "items=0-10", "bytes=-", "bytes=abc", "nonsense"]
)
def test_several_or_malformed_ranges_get_the_whole_file(world, client, header):
    client.force_login(world.cadre)
    response = client.get(url(world), HTTP_RANGE=header)
    assert response.status_code == 200 and "Content-Range" not in response
    assert response["Content-Length"] == str(SIZE)


def test_if_range_of_another_version_gets_the_whole_file(world, client):
    client.force_login(world.cadre)
    etag = client.get(url(world), HTTP_RANGE="bytes=0-0")["ETag"]
    same = client.get(url(world), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert same.status_code == 206 and body(same) == world.data[:10]
    other = client.get(url(world), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"changed"')
    assert other.status_code == 200 and other["Content-Length"] == str(SIZE)


def test_head_and_download(world, client):
    client.force_login(world.cadre)
    response = client.head(url(world), HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206 and response["Content-Length"] == "100"
    response = client.get(url(world) + "?download=1", HTTP_RANGE="bytes=0-1")
    assert response["Content-Disposition"] == 'attachment; filename="bai-giang.mp4"'
    assert client.post(url(world)).status_code == 405


def test_who_gets_the_file(world, client):
    tree = world.tree
    # The learner the course is open to (enrolled or not), and officers of the organiser's
    # subtree (Mê Linh, Hà Nội above it, the confederation).
    for user in (world.cadre, tree.melinh_officer, tree.hanoi_officer, tree.admin, tree.inspector):
        client.force_login(user)
        response = client.get(url(world), HTTP_RANGE="bytes=0-9")
        assert response.status_code == 206, user
        assert body(response) == world.data[:10]
    # Someone the course is not open to, another province's officer, a district beside it.
    from tests.conftest import make_user

    for user in (world.le_user, tree.nt_officer, make_user("donganh", tree.donganh)):
        client.force_login(user)
        assert client.get(url(world)).status_code == 404, user
        assert client.get(url(world), HTTP_RANGE="bytes=0-9").status_code == 404, user
    # And Ninh Thuận's file is not Mê Linh's learner's.
    client.force_login(world.cadre)
    assert client.get(reverse("elearning:learn_file", args=[world.nt_lesson.pk])).status_code == 404
    client.logout()
    assert client.get(url(world)).status_code == 302


def test_a_lesson_without_a_file_or_a_missing_file_is_404(world, client):
    client.force_login(world.cadre)
    assert client.get(reverse("elearning:learn_file", args=[world.text.pk])).status_code == 404
    world.video.file.storage.delete(world.video.file.name)
    assert client.get(url(world)).status_code == 404


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        (None, 10, None),
        ("", 10, None),
        ("bytes=0-4", 10, (0, 4)),
        ("bytes=5-", 10, (5, 9)),
        ("bytes=-3", 10, (7, 9)),
        ("bytes=9-100", 10, (9, 9)),
        ("bytes=10-", 10, "unsatisfiable"),
        ("bytes=-0", 10, "unsatisfiable"),
        ("bytes=0-", 0, "unsatisfiable"),
        ("bytes=-5", 0, "unsatisfiable"),
        ("bytes=3-1", 10, None),
        ("bytes=0-1,3-4", 10, None),
        ("BYTES=1-2", 10, (1, 2)),
    ],
)
def test_parse_range(header, size, expected):
    assert media.parse_range(header, size) == expected


def test_the_type_comes_from_the_bytes_among_the_kinds_allowed():
    """Issue 18: a lesson file's type was guessed from its name (an .html inside a course
    archive was served as text/html); now from its first bytes, among its lesson's kinds."""
    from lib import uploads

    video = {"mp4", "webm", "ogg"}
    assert uploads.served_type(b"%PDF-1.7\n", {"pdf"}) == "application/pdf"
    assert uploads.served_type(b"\x00\x00\x00\x18ftypmp42", video) == "video/mp4"
    assert (
        uploads.served_type(b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\x82\x84webm", video) == "video/webm"
    )
    assert uploads.served_type(b"OggS\x00\x02", video) == "video/ogg"
    assert uploads.served_type(b"%PDF-1.7\n", video) == "application/octet-stream"
    assert uploads.served_type(b"<html><script>", video) == "application/octet-stream"
