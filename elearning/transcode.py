"""Make the phone version of a video: run as a child process by elearning.video, never in the
web server or the worker itself, because the source is written by whoever uploaded it and is
decoded by FFmpeg (through PyAV): a crafted file must cost this process, not the worker.

    python elearning/transcode.py SOURCE TARGET MAX_SECONDS MAX_PIXELS
    python elearning/transcode.py --probe SOURCE MAX_SECONDS MAX_PIXELS

It imports nothing of Django (a quick start, nothing to leak). The parent sets its limits
(memory, CPU time, file size) and a wall-clock timeout. It prints one line of JSON: {"ok":
true, "seconds": …} (with --probe, the length the file declares, or null) or {"error": code}
with a code elearning.video explains to the organiser: "unreadable" (not a video FFmpeg can
read), "no_video" (no picture), "too_long", "too_large" (a picture beyond the limit).

The rendition: at most 640×360 (360×640 upright), the aspect ratio kept, both sides even;
H.264 (libx264, which PyAV's wheels bundle) at ~400 kbit/s and AAC at 64 kbit/s, at most 30
frames a second, in an MP4 whose index comes first ("fast start"), so a phone starts playing
before it has the whole file. Every phone and Chromium build that plays MP4 plays that."""

import json
import sys
from fractions import Fraction

import av

BOX = (640, 360)  # the long and the short side of "360p"
VIDEO_BITS = 400_000
VIDEO_MAX_BITS = 480_000  # the encoder's ceiling over a short window (a scene change)
AUDIO_BITS = 64_000
AUDIO_RATE = 44_100
MAX_FPS = 30
TIME_BASE = Fraction(1, 90_000)


class Refused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def phone_size(width: int, height: int) -> tuple[int, int]:
    """The source's size fitted into 640×360 (or 360×640), never enlarged, both sides even."""
    long_side, short_side = BOX if width >= height else BOX[::-1]
    scale = min(1.0, long_side / width, short_side / height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _seconds(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _open_output(target: str, width: int, height: int, audio: bool):
    output = av.open(target, "w", format="mp4", options={"movflags": "+faststart"})
    video = output.add_stream("libx264", rate=MAX_FPS)
    video.width, video.height, video.pix_fmt = width, height, "yuv420p"
    video.bit_rate = VIDEO_BITS
    video.time_base = TIME_BASE
    video.codec_context.time_base = TIME_BASE
    # Main profile, a keyframe every 2 s (seeking), a ceiling on the rate for a phone's buffer.
    video.options = {
        "preset": "veryfast",
        "profile": "main",
        "maxrate": str(VIDEO_MAX_BITS),
        "bufsize": str(2 * VIDEO_MAX_BITS),
        "g": str(2 * MAX_FPS),
        "threads": "2",
    }
    sound = None
    if audio:
        sound = output.add_stream("aac", rate=AUDIO_RATE)
        sound.bit_rate = AUDIO_BITS
        sound.layout = "stereo"
    return output, video, sound


def _open(source: str, max_seconds: float, max_pixels: int):
    """The source opened and its first streams, refused when the header already says it is
    too long or too large; and the length it declares (None when it says none)."""
    try:
        container = av.open(source, "r", metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError):
        raise Refused("unreadable") from None
    try:
        if not container.streams.video:
            raise Refused("no_video")
        vin = container.streams.video[0]
        ain = container.streams.audio[0] if container.streams.audio else None
        width, height = vin.codec_context.width, vin.codec_context.height
        if not width or not height:
            raise Refused("unreadable")
        if width * height > max_pixels:
            raise Refused("too_large")
        declared = _seconds(container, vin)
        if declared is not None and declared > max_seconds:
            raise Refused("too_long")
    except BaseException:
        container.close()
        raise
    return container, vin, ain, declared


def probe(source: str, max_seconds: float, max_pixels: int) -> dict:
    container, _vin, _ain, declared = _open(source, max_seconds, max_pixels)
    container.close()
    return {"ok": True, "seconds": declared}


def transcode(source: str, target: str, max_seconds: float, max_pixels: int) -> dict:
    container, vin, ain, _declared = _open(source, max_seconds, max_pixels)
    with container:
        vin.thread_type = "AUTO"
        out_w, out_h = phone_size(vin.codec_context.width, vin.codec_context.height)
        output, vout, aout = _open_output(target, out_w, out_h, ain is not None)
        resampler = (
            av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE, frame_size=1024)
            if ain is not None
            else None
        )
        last = _copy(container, vin, ain, output, vout, aout, resampler, max_seconds, max_pixels)
        output.close()
    return {"ok": True, "seconds": round(last, 3), "width": out_w, "height": out_h}


def _copy(container, vin, ain, output, vout, aout, resampler, max_seconds, max_pixels) -> float:
    """Decode the source once, both streams interleaved, and encode what the phone keeps;
    the time of the last picture kept."""
    streams = [vin] + ([ain] if ain is not None else [])
    step = 1 / MAX_FPS
    due, last_pts, last_time = None, -1, 0.0  # due: when the next picture kept is due
    try:
        for packet in container.demux(*streams):
            for frame in packet.decode():
                if frame.time is None:
                    continue
                if frame.time > max_seconds:
                    raise Refused("too_long")
                if packet.stream is vin:
                    if frame.width * frame.height > max_pixels:
                        raise Refused("too_large")
                    if due is not None and frame.time < due - step / 4:
                        continue  # above 30 frames a second: this one is dropped
                    late = due is None or frame.time > due + step  # the first, or after a gap
                    due = frame.time + step if late else due + step
                    pts = max(last_pts + 1, round(frame.time / TIME_BASE))
                    picture = frame.reformat(vout.width, vout.height, "yuv420p")
                    picture.pts, picture.time_base = pts, TIME_BASE
                    output.mux(vout.encode(picture))
                    last_pts, last_time = pts, frame.time
                else:
                    frame.pts = None  # the resampler and the encoder count the samples
                    for sound in resampler.resample(frame):
                        output.mux(aout.encode(sound))
    except av.FFmpegError:
        if last_pts < 0:
            raise Refused("unreadable") from None
        # A damaged tail: what was decoded so far is kept.
    if last_pts < 0:
        raise Refused("no_video")
    output.mux(vout.encode(None))
    if aout is not None:
        for sound in resampler.resample(None):
            output.mux(aout.encode(sound))
        output.mux(aout.encode(None))
    return last_time


def main(argv: list[str]) -> int:
    # FFmpeg says nothing (PyAV's default, a callback in C). Not `set_level(PANIC)`: that routes
    # every message through a Python callback, which waits for the interpreter's lock, and a
    # decoder thread logging while the main thread frees its codec deadlocks (seen: a refused
    # file hung the child until the wall-clock limit, 1 run in 25 on a busy machine).
    av.logging.set_level(None)
    try:
        if argv[1] == "--probe":
            source, max_seconds, max_pixels = argv[2], float(argv[3]), int(argv[4])
            result = probe(source, max_seconds, max_pixels)
        else:
            source, target, max_seconds, max_pixels = argv[1], argv[2], float(argv[3]), int(argv[4])
            result = transcode(source, target, max_seconds, max_pixels)
    except Refused as refused:
        result = {"error": refused.code}
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
