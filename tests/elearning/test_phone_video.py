"""Issue 25 §3: "lessons (text, PDF, video at a phone's bitrate) can be saved for offline
reading".

A video lesson saved through the service gets a phone version made by the worker: at most
360p, about 400 kbit/s of video and 64 kbit/s of sound, an MP4 whose index comes first, as
long as the source. It is served with ranges, as video only, and offered on the lesson page
(the low-quality choice, and what "Save for offline reading" keeps). The source is hostile: a
file that is no video, a source too long or too large, a transcoding that takes too long or
too much memory each end with a reason in Vietnamese the organiser sees, never a crash or a
hang of the worker."""

import array
import io
import math
import os
import subprocess
import sys
from pathlib import Path

import av
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from elearning import offline, services, transcode, video
from elearning.models import Lesson, PhoneVideo
from elearning.tasks import make_phone_video
from tests.elearning.test_learn import make_learn_world
from tests.imports.helpers import DATABASE_TASKS, ROOT, worker_env

SECONDS, WIDTH, HEIGHT, FPS = 5, 1280, 720, 30


def make_source(
    path: Path, seconds: int = SECONDS, width: int = WIDTH, height: int = HEIGHT
) -> None:
    """A 5 s 1280×720 H.264/AAC MP4 at a high bitrate (noise: every frame new), 48 kHz."""
    with av.open(str(path), "w", format="mp4") as out:
        picture = out.add_stream("libx264", rate=FPS)
        picture.width, picture.height, picture.pix_fmt = width, height, "yuv420p"
        picture.bit_rate, picture.options = 8_000_000, {"preset": "ultrafast"}
        sound = out.add_stream("aac", rate=48_000)
        sound.bit_rate, sound.layout = 192_000, "stereo"
        for i in range(seconds * FPS):
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane in frame.planes:
                plane.update(os.urandom(plane.buffer_size))
            frame.pts = i
            out.mux(picture.encode(frame))
        out.mux(picture.encode(None))
        for i in range(seconds * 48_000 // 1024):  # a 440 Hz tone (silence costs no bits)
            samples = av.AudioFrame(format="fltp", layout="stereo", samples=1024)
            samples.sample_rate, samples.pts = 48_000, i * 1024
            at = range(i * 1024, (i + 1) * 1024)
            tone = array.array("f", (0.3 * math.sin(2 * math.pi * 440 * t / 48_000) for t in at))
            for plane in samples.planes:
                plane.update(tone.tobytes())
            out.mux(sound.encode(samples))
        out.mux(sound.encode(None))


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("video") / "nguon.mp4"
    make_source(path)
    return path.read_bytes()


@pytest.fixture
def world(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = DATABASE_TASKS
    return make_learn_world(tree)


def save_video(world, data: bytes, name: str = "bai-giang-720p.mp4") -> Lesson:
    """The organiser replaces the lesson's video, as the lesson form does; the phone version
    is queued when the save commits."""
    with transaction.atomic():
        lesson = services.lesson_save(
            user=world.tree.melinh_officer,
            module=world.video.module,
            lesson=Lesson.objects.get(pk=world.video.pk),
            file=ContentFile(data, name=name),
        )
    return lesson


def run_queued(lesson: Lesson) -> Lesson:
    """What the worker runs for the task queued for this lesson."""
    queued = DBTaskResult.objects.filter(task_path=make_phone_video.module_path).last()
    assert queued is not None and queued.args_kwargs["args"] == [lesson.pk]
    make_phone_video.call(*queued.args_kwargs["args"])
    return Lesson.objects.get(pk=lesson.pk)


def probe(path: str) -> dict:
    with av.open(path) as container:
        picture, sound = container.streams.video[0], container.streams.audio[0]
        return {
            "seconds": float(picture.duration * picture.time_base),
            "bits": container.bit_rate,
            "video_bits": picture.bit_rate,
            "audio_bits": sound.bit_rate,
            "width": picture.width,
            "height": picture.height,
            "codec": picture.codec_context.name,
            "audio_codec": sound.codec_context.name,
        }


def test_the_worker_makes_a_phone_version_served_with_ranges(
    world, source, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lesson = save_video(world, source)
    assert lesson.phone_status == PhoneVideo.PENDING
    lesson = run_queued(lesson)
    assert lesson.phone_status == PhoneVideo.READY, lesson.phone_reason
    original, phone = probe(lesson.file.path), probe(lesson.phone_file.path)
    assert original["height"] == 720 and original["bits"] > 5_000_000
    assert (phone["width"], phone["height"]) == (640, 360)
    assert (phone["codec"], phone["audio_codec"]) == ("h264", "aac")
    assert 300_000 < phone["video_bits"] < 520_000
    assert 48_000 < phone["audio_bits"] < 80_000
    assert phone["bits"] < original["bits"] / 10
    assert abs(phone["seconds"] - original["seconds"]) < 0.1
    with open(lesson.phone_file.path, "rb") as made:  # fast start: the index before the media
        assert made.read(64).find(b"moov") > 0
    assert offline.video_seconds(lesson) == pytest.approx(SECONDS, abs=0.1)

    client.force_login(world.cadre)
    url = reverse("elearning:learn_file", args=[lesson.pk])
    response = client.get(url + "?phone=1", HTTP_RANGE="bytes=100-1099")
    assert response.status_code == 206
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Range"] == f"bytes 100-1099/{lesson.phone_file.size}"
    with open(lesson.phone_file.path, "rb") as made:
        made.seek(100)
        assert b"".join(response.streaming_content) == made.read(1000)
    assert int(client.head(url)["Content-Length"]) == len(source)  # the original stays

    services.enrol(user=world.cadre, course=world.course)
    page = client.get(reverse("elearning:learn_lesson", args=[lesson.pk])).content.decode()
    assert f'data-phone-src="{url}?phone=1"' in page
    assert f'data-fetch="{url}?phone=1"' in page  # what "Save for offline reading" keeps
    assert "Chất lượng thấp (tiết kiệm dữ liệu)" in page


def test_a_new_file_replaces_the_phone_version_and_another_kind_drops_it(
    world, source, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lesson = save_video(world, source)
    lesson = run_queued(lesson)
    first = lesson.phone_file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_save(
            user=world.tree.melinh_officer, module=lesson.module, lesson=lesson, title="Đổi tên"
        )
    assert Lesson.objects.get(pk=lesson.pk).phone_status == PhoneVideo.READY  # same file
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_save(
            user=world.tree.melinh_officer,
            module=lesson.module,
            lesson=lesson,
            kind="text",
            file="",
            body="<p>Bài đọc</p>",
        )
    lesson = Lesson.objects.get(pk=lesson.pk)
    assert (lesson.phone_status, lesson.phone_file.name) == ("", "")
    assert not os.path.exists(first)


def failed(world, data: bytes, capture) -> Lesson:
    with capture(execute=True):
        lesson = save_video(world, data)
    lesson = run_queued(lesson)
    assert lesson.phone_status == PhoneVideo.FAILED
    assert not lesson.phone_file
    return lesson


def test_a_file_that_is_no_video_ends_with_a_reason(
    world, client, django_capture_on_commit_callbacks
):
    # It passes the upload's check (it begins as an MP4 does); FFmpeg cannot read the rest.
    hostile = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + os.urandom(200_000)
    lesson = failed(world, hostile, django_capture_on_commit_callbacks)
    assert lesson.phone_reason == "Tệp không đọc được như một video."
    client.force_login(world.tree.melinh_officer)
    page = client.get(reverse("elearning:course_detail", args=[lesson.module.course_id]))
    text = page.content.decode()
    assert 'data-phone-status="failed"' in text
    assert "Bản cho điện thoại: Không tạo được — Tệp không đọc được như một video." in text
    # The learner gets the original, even when asking for the phone version.
    client.force_login(world.cadre)
    url = reverse("elearning:learn_file", args=[lesson.pk])
    assert int(client.head(url + "?phone=1")["Content-Length"]) == len(hostile)


def test_a_source_too_long_or_too_large_is_refused_before_decoding(
    world, source, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(video, "MAX_SECONDS", 2)
    lesson = failed(world, source, django_capture_on_commit_callbacks)
    assert lesson.phone_reason.startswith("Video dài hơn")
    monkeypatch.setattr(video, "MAX_SECONDS", 3 * 3600)
    monkeypatch.setattr(video, "MAX_PIXELS", 640 * 480)
    lesson = failed(world, source, django_capture_on_commit_callbacks)
    assert "lớn hơn 4K" in lesson.phone_reason


def lying_about_its_length(data: bytes) -> bytes:
    """The source with its movie and media headers (mvhd, mdhd) saying it lasts 1 s."""
    data = bytearray(data)
    for kind in (b"mvhd", b"mdhd"):
        at = data.find(kind)
        while at > 0:
            assert data[at + 4] == 0  # version 0: 32-bit times
            timescale = int.from_bytes(data[at + 16 : at + 20], "big")
            data[at + 20 : at + 24] = timescale.to_bytes(4, "big")
            at = data.find(kind, at + 4)
    return bytes(data)


def test_a_file_whose_pictures_run_past_the_length_it_declares_is_refused(
    world, source, django_capture_on_commit_callbacks
):
    # The time allowed follows the length declared: a file cannot claim 1 s and run for hours.
    liar = lying_about_its_length(source)
    with av.open(io.BytesIO(liar)) as container:
        assert container.duration == 1_000_000
    lesson = failed(world, liar, django_capture_on_commit_callbacks)
    assert lesson.phone_reason.startswith("Video dài hơn")


def test_a_transcoding_that_hangs_or_eats_memory_is_stopped(
    world, source, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(video, "WALL_BASE_SECONDS", 0.5)
    monkeypatch.setattr(video, "WALL_PER_SECOND", 0)
    lesson = failed(world, source, django_capture_on_commit_callbacks)
    assert lesson.phone_reason == "Việc tạo bản cho điện thoại mất quá 1 phút: đã dừng."
    monkeypatch.setattr(video, "WALL_BASE_SECONDS", 300)
    monkeypatch.setattr(video, "MEMORY_BYTES", 64 * 1024**2)
    lesson = failed(world, source, django_capture_on_commit_callbacks)
    assert lesson.phone_reason.startswith("Không tạo được bản cho điện thoại")


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_job_queued_at_commit(tree, source, settings, tmp_path):
    """The same through `manage.py db_worker` (what run_worker starts), in its own process."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = DATABASE_TASKS
    world = make_learn_world(tree)
    lesson = save_video(world, source)
    assert DBTaskResult.objects.filter(task_path=make_phone_video.module_path).exists()
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=worker_env(settings),
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]
    lesson = Lesson.objects.get(pk=lesson.pk)
    assert lesson.phone_status == PhoneVideo.READY, lesson.phone_reason
    assert probe(lesson.phone_file.path)["height"] == 360


@pytest.mark.parametrize(
    "source_size, phone_size",
    [
        ((1920, 1080), (640, 360)),
        ((1080, 1920), (360, 640)),  # filmed upright on a phone
        ((1440, 1080), (480, 360)),
        ((1917, 1079), (640, 360)),  # odd sides: even ones, the aspect kept
        ((320, 240), (320, 240)),  # never enlarged
    ],
)
def test_the_phone_size_keeps_the_aspect_within_360p(source_size, phone_size):
    assert transcode.phone_size(*source_size) == phone_size


def test_a_webm_lesson_s_length_is_read_from_its_phone_version(
    world, django_capture_on_commit_callbacks, tmp_path
):
    """offline.py checks a video's progress against its length, read from an MP4's header:
    a WebM original has none it reads, its phone version (an MP4) answers."""
    path = tmp_path / "bai.webm"
    with av.open(str(path), "w", format="webm") as out:
        picture = out.add_stream("libvpx", rate=FPS)
        picture.width, picture.height, picture.pix_fmt = 320, 240, "yuv420p"
        for i in range(2 * FPS):
            frame = av.VideoFrame(320, 240, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([i * 4 % 256]) * plane.buffer_size)
            frame.pts = i
            out.mux(picture.encode(frame))
        out.mux(picture.encode(None))
    with django_capture_on_commit_callbacks(execute=True):
        lesson = save_video(world, path.read_bytes(), name="bai.webm")
    assert offline.video_seconds(lesson) is None
    lesson = run_queued(lesson)
    assert lesson.phone_status == PhoneVideo.READY, lesson.phone_reason
    assert offline.video_seconds(lesson) == pytest.approx(2, abs=0.1)


def test_the_command_queues_the_videos_saved_before_phone_versions(
    world, django_capture_on_commit_callbacks
):
    Lesson.objects.filter(pk=world.video.pk).update(phone_status="")  # saved before
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("phone_videos", stdout=out)
    assert out.getvalue().strip() == "1 phone version(s) queued"
    lesson = run_queued(Lesson.objects.get(pk=world.video.pk))
    assert lesson.phone_status == PhoneVideo.FAILED  # its bytes are no video (test_learn)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("phone_videos", stdout=out)
        call_command("phone_videos", "--failed", stdout=out)
    assert out.getvalue().splitlines()[-2:] == [
        "0 phone version(s) queued",
        "1 phone version(s) queued",
    ]
