"""Write to a stream from a second thread, so that compressing a zip entry overlaps
making its contents.

zipfile's deflate (`zlib`), its CRC and the file's writes all let go of the GIL, so a
sheet's XML is made on the main thread while the previous batches are compressed and
written on the other core. Writes are handed over a few megabytes at a time and the
batches in flight are bounded (`BATCHES_IN_FLIGHT`), so memory stays flat. An error in
the thread (a full disk) is raised again, the same exception, by the next `write` or by
the end of the block.

Each time the thread comes back from C (the queue, joining the batch, the CRC, each
block of deflate's output, the file's write: about eight times a batch) it must take the
GIL back, and the main thread, busy making XML, gives it up only when Python's switch
interval has passed: 5 ms by default, longer than deflating a megabyte takes. At that
interval, with 1 MB batches, the thread waited on the GIL as long as it deflated
(LoopTrace of the 200k book: 0.85 s in the thread for a deflate of 0.42 s alone) and the
main thread waited 0.25 s on a full queue. So while a writer works the interval is
`SWITCH_INTERVAL` (`sys.setswitchinterval`, the process's, set back when the last
writer ends), and batches are 4 MB (fewer returns a byte): the thread's time is its
deflate's (0.34 s) and the main thread hardly waits. The thread asks only when it has
work, so the main thread is interrupted as often as before, only sooner. The thread
also joins each batch's writes (a copy that lets go of the GIL), off the main thread.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from typing import IO, Iterator

BATCHES_IN_FLIGHT = 4
BATCH_BYTES = 4 << 20
SWITCH_INTERVAL = 0.0001  # seconds; Python's default is 0.005
_DONE = None


class _PromptSwitching:
    """The switch interval at `SWITCH_INTERVAL` while any writer works; the one before
    restored when the last one ends."""

    def __init__(self):
        self._lock = threading.Lock()
        self._writers = 0
        self._before = 0.0

    def enter(self) -> None:
        with self._lock:
            if self._writers == 0:
                self._before = sys.getswitchinterval()
                sys.setswitchinterval(min(self._before, SWITCH_INTERVAL))
            self._writers += 1

    def leave(self) -> None:
        with self._lock:
            self._writers -= 1
            if self._writers == 0:
                sys.setswitchinterval(self._before)


_prompt_switching = _PromptSwitching()


class BackgroundWriter:
    """A write-only stream whose writes a thread writes to `stream`, in order."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.error: BaseException | None = None
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._closed = False
        self._batches: queue.Queue[list[bytes] | None] = queue.Queue(BATCHES_IN_FLIGHT)
        self._thread = threading.Thread(target=self._write_batches, name="zip-writer", daemon=True)
        _prompt_switching.enter()
        try:
            self._thread.start()
        except BaseException:
            _prompt_switching.leave()
            raise

    def write(self, data: bytes) -> int:
        self._raise_error()
        self._pending.append(data)
        self._pending_bytes += len(data)
        if self._pending_bytes >= BATCH_BYTES:
            self._hand_over()
        return len(data)

    def close(self) -> None:
        """Wait for every batch to be written; raise the thread's error if it had one."""
        if not self._closed:
            try:
                self._hand_over()
                self._batches.put(_DONE)
                self._thread.join()
            finally:
                self._closed = True
                _prompt_switching.leave()
        self._raise_error()

    def _hand_over(self) -> None:
        if self._pending:
            self._batches.put(self._pending)  # joined by the thread: its copy lets go of the GIL too
            self._pending, self._pending_bytes = [], 0

    def _raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def _write_batches(self) -> None:
        while (pieces := self._batches.get()) is not _DONE:
            if self.error is None:  # after an error, only empty the queue
                try:
                    self.stream.write(b"".join(pieces))
                except BaseException as error:
                    self.error = error


def in_background(stream: IO[bytes]) -> BackgroundWriter | IO[bytes]:
    """A `BackgroundWriter` over `stream` (to be closed), or the stream itself where no
    thread can start (Pyodide)."""
    try:
        return BackgroundWriter(stream)
    except RuntimeError:
        return stream


@contextlib.contextmanager
def writing_in_background(stream: IO[bytes]) -> Iterator[BackgroundWriter]:
    """A `BackgroundWriter` over `stream`, closed at the end of the block: everything is
    written when the block ends normally; when it raises, its exception is the one that
    propagates, after the thread has stopped."""
    writer = BackgroundWriter(stream)
    try:
        yield writer
    except BaseException:
        with contextlib.suppress(Exception):
            writer.close()
        raise
    writer.close()
