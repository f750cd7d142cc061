"""Running a parser of an uploaded file in a child process with limits on memory and time.

A spreadsheet's reader is native code (python-calamine, in Rust) working on what an attacker
wrote: a 1.6 KB .xlsx naming a cell at XFD1048576 makes it allocate a dense grid of ~512 GiB,
and a failed allocation in Rust aborts the whole process (SIGABRT), which no `except` catches.
Under gunicorn or the task worker that is the service, not one request. So the parse runs in
a forked copy of the calling process, with an address-space limit (RLIMIT_AS, counted above
what the copy already maps), a CPU limit and a wall-clock limit: whatever the file declares,
the worst it can do is end that copy, and the caller gets `LimitExceeded` naming the limit.

Forking copies the caller with Django loaded and the request's language active, so the parser
runs as it would in-process and its messages are translated; the copy never touches the
database (it leaves with os._exit, so the connections it inherited are not closed under the
parent) and sends back only its result, pickled. The parent unpickles that result with only
plain data and date/time types allowed: a copy subverted by a hostile file cannot make the
parent build other objects.

Where fork does not exist (Windows) the function runs in-process, without the limits.
"""

import datetime as dt
import faulthandler
import io
import logging
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# What a parser's result may be made of (besides str, bytes, numbers, lists, dicts, tuples,
# sets, None and booleans, which pickle writes without naming a class).
SAFE_GLOBALS = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
}
_OK, _REFUSED, _NO_MEMORY, _CRASHED = "ok", "refused", "memory", "crashed"


class LimitExceeded(Exception):
    """The work went over a limit: `what` is "memory" or "time"."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class Refused(Exception):
    """The function raised one of the exceptions it was allowed to raise; `message` is its
    text (already in the user's language)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in SAFE_GLOBALS:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a parser's result")


def safe_loads(data: bytes):
    return _SafeUnpickler(io.BytesIO(data)).load()


def _mapped_bytes() -> int:
    """The address space this process already uses (the copy starts with all of it)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file behind
    address_space = _mapped_bytes() + memory_bytes
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        address_space = min(address_space, hard)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, hard))
    cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = cpu_seconds if cpu_hard == resource.RLIM_INFINITY else min(cpu_seconds, cpu_hard)
    resource.setrlimit(
        resource.RLIMIT_CPU, (soft, cpu_hard if cpu_hard != resource.RLIM_INFINITY else soft + 2)
    )


def _child(
    write_fd: int,
    function: Callable,
    args: tuple,
    refusals: tuple,
    memory_bytes: int,
    cpu_seconds: int,
) -> None:
    """Runs in the copy; never returns."""
    status = 70
    try:
        # Quiet: a native abort prints a backtrace to stderr, which is not the log's business.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        faulthandler.disable()  # it writes to a copy of stderr of its own
        _limit_self(memory_bytes, cpu_seconds)
        try:
            outcome = (_OK, function(*args))
        except MemoryError:
            outcome = (_NO_MEMORY, None)
        except refusals as error:
            outcome = (_REFUSED, str(error))
        except RecursionError:
            outcome = (_CRASHED, "recursion")
        except BaseException as error:  # reported to the parent, which logs it (a native
            # library's panic, pyo3's PanicException, is not an Exception)
            outcome = (_CRASHED, f"{type(error).__name__}: {error}"[:2000])
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps((_NO_MEMORY, None))
        with os.fdopen(write_fd, "wb") as out:
            out.write(data)
        status = 0
    finally:
        os._exit(status)


def _collect(read_fd: int, pid: int, deadline: float) -> tuple[bytes, int] | None:
    """Everything the copy writes, and its wait status; None if the deadline passed."""
    chunks = []
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([pipe], [], [], remaining)
            if not ready:
                continue
            chunk = pipe.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    while True:  # the pipe closed: the copy has written all it will write
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return b"".join(chunks), status
        if time.monotonic() > deadline:
            return None
        time.sleep(0.005)


def run_limited(
    function: Callable,
    *args,
    memory_bytes: int,
    cpu_seconds: int,
    wall_seconds: float,
    refusals: tuple[type[BaseException], ...] = (),
) -> Any:
    """`function(*args)` in a copy of this process with the limits; its result.

    Raises LimitExceeded("memory"|"time") when the copy went over a limit (or died of what
    over-allocation does to native code), Refused(message) when the function raised one of
    `refusals`, and RuntimeError when it failed otherwise (a bug: the parent logs it)."""
    if not hasattr(os, "fork"):
        try:
            return function(*args)
        except refusals as error:
            raise Refused(str(error)) from error
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the copy's coverage is not collected
        os.close(read_fd)
        _child(write_fd, function, args, refusals, memory_bytes, cpu_seconds)
    os.close(write_fd)
    collected = _collect(read_fd, pid, time.monotonic() + wall_seconds)
    if collected is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise LimitExceeded("time")
    data, status = collected
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        log.warning("a parser's process ended on signal %s", sig)
        raise LimitExceeded("time" if sig == signal.SIGXCPU else "memory")
    try:
        kind, value = safe_loads(data)
    except Exception as error:  # empty, cut short or not allowed
        log.warning("a parser's process gave no readable result (status %s)", status)
        raise LimitExceeded("memory") from error
    if kind == _OK:
        return value
    if kind == _NO_MEMORY:
        raise LimitExceeded("memory")
    if kind == _REFUSED:
        raise Refused(value)
    log.error("a parser failed: %s", value)
    raise RuntimeError(value)
