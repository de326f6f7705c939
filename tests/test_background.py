"""Writing a zip entry from a second thread: everything arrives in order, and an error
on either side is the one the caller sees."""

from __future__ import annotations

import errno
import io
import sys
import threading

import pytest

from workbook.xlsx import background
from workbook.xlsx.background import BackgroundWriter, writing_in_background


class FullDisk(io.BytesIO):
    """A stream with room for `room` bytes, failing as a full disk does past them."""

    def __init__(self, room: int):
        super().__init__()
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return super().write(data)


@pytest.fixture(params=[1, background.BATCH_BYTES], ids=["each write handed over", "writes gathered"])
def batch_bytes(request, monkeypatch):
    monkeypatch.setattr(background, "BATCH_BYTES", request.param)


def test_every_write_arrives_in_order(batch_bytes):
    stream = io.BytesIO()
    with writing_in_background(stream) as writer:
        for number in range(1_000):
            writer.write(b"%d," % number)
    assert stream.getvalue() == b"".join(b"%d," % number for number in range(1_000))


def test_a_full_disk_in_the_thread_is_raised_to_the_caller(batch_bytes):
    with pytest.raises(OSError) as raised:
        with writing_in_background(FullDisk(room=12)) as writer:
            for _ in range(100):
                writer.write(b"rows")
    assert raised.value.errno == errno.ENOSPC


def test_a_full_disk_at_the_last_write_is_raised_at_the_end():
    writer = BackgroundWriter(FullDisk(room=0))
    writer.write(b"rows")
    with pytest.raises(OSError, match="No space left"):
        writer.close()


def test_the_callers_error_wins_and_the_thread_stops(batch_bytes):
    threads = threading.active_count()
    with pytest.raises(KeyError):
        with writing_in_background(FullDisk(room=0)) as writer:
            writer.write(b"rows")
            raise KeyError("the rows' own error")
    assert threading.active_count() == threads


def test_the_switch_interval_is_short_while_writing_and_set_back_after(batch_bytes):
    before = sys.getswitchinterval()
    seen = []

    class Watched(io.BytesIO):
        def write(self, data: bytes) -> int:
            seen.append(sys.getswitchinterval())
            return super().write(data)

    with writing_in_background(Watched()) as first, writing_in_background(Watched()) as second:
        first.write(b"rows")
        second.write(b"rows")
    assert seen and all(interval == pytest.approx(background.SWITCH_INTERVAL) for interval in seen)
    assert sys.getswitchinterval() == before
    with pytest.raises(KeyError), writing_in_background(io.BytesIO()) as writer:
        writer.write(b"rows")
        raise KeyError("the rows' own error")
    writer.close()  # closing again changes nothing
    assert sys.getswitchinterval() == before
