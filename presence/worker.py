"""Uploads are parsed in a worker process, so that one reader's file never holds the server from the others.

Reading a 50 MB file takes seconds of Python and up to a gigabyte; in the server's process it would hold the
interpreter while every other reader's slider waits. The worker is a separate, clean interpreter (spawned,
not forked, so none of the server's threads come with it) that loads the dataset once and parses one upload
at a time, at low priority, under a memory limit (the kernel refuses more: the parse fails with MemoryError)
and a limit of processor time (the kernel stops it). A worker that breaks a limit, or has just read a large
file, is replaced, so the memory a large parse took goes back to the system.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

from presence.limits import WORKER_MEMORY_BYTES, WORKER_SECONDS
from presence.problems import Problem
from presence.upload import Upload, parse_upload, upload_name

RECYCLE_AFTER_BYTES = 1024 * 1024  # a worker that read a file larger than this exits, returning its memory
WALL_SECONDS = 600.0  # on the clock, whatever the load: the last guard
CHUNK_EVENTS = 500  # events per message back to the server: about 10 ms of unpickling each
STARTUP_SECONDS = 60.0  # importing the libraries and loading the dataset: about 2 s here


def _serve(conn: Connection, folder: str, memory_bytes: int, seconds: float) -> None:
    """The worker's loop: load the dataset, then parse each (name, bytes) received and send the Upload back."""
    from presence.dataset import load_dataset

    dataset = load_dataset(folder)
    # Readers first: parsing takes only the processor time that nothing else wants (nice 10 still took a share).
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    # Set after loading, so the limit is what one upload may add to a worker that holds the dataset.
    used = _address_space()
    resource.setrlimit(resource.RLIMIT_AS, (used + memory_bytes, used + memory_bytes))
    conn.send("ready")
    while True:
        try:
            name, data = conn.recv()
        except (EOFError, OSError):
            return
        # Processor time, not time on the clock: under load the worker (at idle priority) waits, and that is not
        # the file's cost. Past the limit the kernel stops the worker (SIGXCPU) and the server names it.
        used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(used + seconds), hard))
        try:
            result = parse_upload(name, data, dataset)
        except MemoryError:
            return  # the server sees the worker gone and names the limit; a fresh worker serves the next upload
        _send(conn, result)
        if len(data) > RECYCLE_AFTER_BYTES:
            return


def _send(conn: Connection, result: Upload) -> None:
    """The result without its events, how many there are, then the events a chunk at a time (see _receive)."""
    conn.send((replace(result, events=()), len(result.events)))
    for start in range(0, len(result.events), CHUNK_EVENTS):
        conn.send(result.events[start : start + CHUNK_EVENTS])


def _receive(conn: Connection) -> Upload:
    """The result _send sent. Unpickling holds the interpreter, and 100,000 events at once held it for
    seconds, every other reader waiting: a chunk at a time, other threads run in between."""
    head, count = conn.recv()
    events: list = []
    while len(events) < count:
        events.extend(conn.recv())
        time.sleep(0)  # let the server's other threads have the interpreter
    return replace(head, events=tuple(events))


def _address_space() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def failed(name: str, message: str) -> Upload:
    """An upload that could not be read at all, with one problem saying why."""
    return Upload(name, "", problems=(Problem(name, "", "", message),))


class UploadWorker:
    """One worker process shared by every session of the server: uploads wait their turn (one at a time, so
    several uploaders cannot add up their memory), each within the worker's memory and time limits."""

    def __init__(self, folder: Path | str, *, memory_bytes: int = WORKER_MEMORY_BYTES, seconds: float = WORKER_SECONDS):
        self.folder = str(folder)
        self.memory_bytes = memory_bytes
        self.seconds = seconds
        self._turn = threading.Lock()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def parse(self, name: str, data: bytes) -> Upload:
        """The upload parsed in the worker; a file that breaks a limit gets a problem saying which."""
        name = upload_name(name)
        with self._turn:
            try:
                conn = self._ready()
            except (OSError, EOFError):
                self._stop()
                return failed(name, "could not be read: the reading process did not start; try again")
            try:
                conn.send((name, data))
            except (OSError, EOFError):  # the worker died taking the file in: it did not fit in its memory
                return self._gone(name)
            started = time.monotonic()
            while not conn.poll(0.1):
                if not self._process.is_alive():
                    return self._gone(name)
                if time.monotonic() - started > WALL_SECONDS:  # a worker that waits on nothing: never expected
                    self._stop()
                    return failed(name, f"took more than {WALL_SECONDS:g} s to read and was stopped")
            try:
                result = _receive(conn)
            except (EOFError, OSError):
                return self._gone(name)
            if len(data) > RECYCLE_AFTER_BYTES:
                self._retire()
            return result

    def _gone(self, name: str) -> Upload:
        """The upload whose worker died under it: which limit it broke."""
        self._process.join(timeout=5)
        code = self._process.exitcode  # None if it still runs with its pipe broken: stopped below
        self._stop()
        if code == -signal.SIGXCPU:
            message = f"took more than {self.seconds:g} s of processor time to read and was stopped; nothing was loaded"
        else:
            message = f"needs more than {self.memory_bytes // 2**20:,} MB of memory to read; nothing was loaded"
        return failed(name, message)

    @property
    def pid(self) -> int | None:
        """The worker's process id while one runs (for measurements)."""
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    def _ready(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._stop()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(child, self.folder, self.memory_bytes, self.seconds),
            name="upload-worker",
            daemon=True,
        )
        process.start()
        child.close()
        if not parent.poll(STARTUP_SECONDS) or parent.recv() != "ready":
            process.kill()
            raise OSError("the upload worker did not start")
        self._process, self._conn = process, parent
        return parent

    def _retire(self) -> None:
        # The worker exits by itself after a large file; wait for it so its memory is back before the next one.
        if self._process is not None:
            self._process.join(timeout=5)
        self._stop()

    def _stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None


_shared: dict[str, UploadWorker] = {}
_shared_lock = threading.Lock()


def shared_worker(folder: Path | str) -> UploadWorker:
    """The server's one worker for a data folder. Kept in this module, not in a cache any client can clear."""
    with _shared_lock:
        key = str(folder)
        if key not in _shared:
            _shared[key] = UploadWorker(key)
        return _shared[key]
