"""Writing a zip entry from a second thread: everything arrives in order, and an error
on either side is the one the caller sees."""

from __future__ import annotations

import errno
import io
import threading

import pytest

from workbook.background import BackgroundWriter, writing_in_background


class FullDisk(io.BytesIO):
    """A stream that takes `room` writes, then fails as a full disk does."""

    def __init__(self, room: int):
        super().__init__()
        self.room = room

    def write(self, data: bytes) -> int:
        if self.room == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= 1
        return super().write(data)


def test_every_write_arrives_in_order():
    stream = io.BytesIO()
    with writing_in_background(stream) as writer:
        for number in range(1_000):
            writer.write(b"%d," % number)
    assert stream.getvalue() == b"".join(b"%d," % number for number in range(1_000))


def test_a_full_disk_in_the_thread_is_raised_to_the_caller():
    with pytest.raises(OSError) as raised:
        with writing_in_background(FullDisk(room=3)) as writer:
            for _ in range(100):
                writer.write(b"rows")
    assert raised.value.errno == errno.ENOSPC


def test_a_full_disk_at_the_last_write_is_raised_at_the_end():
    writer = BackgroundWriter(FullDisk(room=0))
    writer.write(b"rows")
    with pytest.raises(OSError, match="No space left"):
        writer.close()


def test_the_callers_error_wins_and_the_thread_stops():
    threads = threading.active_count()
    with pytest.raises(KeyError):
        with writing_in_background(FullDisk(room=0)) as writer:
            writer.write(b"rows")
            raise KeyError("the rows' own error")
    assert threading.active_count() == threads
