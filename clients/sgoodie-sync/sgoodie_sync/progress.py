"""Upload progress: a bar redrawn in place on a terminal (bytes, files, speed), plain lines (one
per finished file) when the output goes to a file or a CI log."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

BAR_WIDTH = 24
REDRAW_EVERY = 0.2  # seconds


def megabytes(size: float) -> str:
    return f"{size / 1e6:.1f} MB"


class Progress:
    def __init__(self, files: int, size: int, stream: TextIO | None = None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.files_total, self.bytes_total = files, size
        self.files_done = self.bytes_done = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._lock = threading.Lock()

    def sent(self, size: int) -> None:
        with self._lock:
            self.bytes_done += size
            if self.tty and time.monotonic() - self._drawn >= REDRAW_EVERY:
                self._draw()

    def finished(self, action: str, name: str, size: int) -> None:
        """A file is on the site (`action`: "uploaded", "replaced")."""
        with self._lock:
            self.files_done += 1
            if self.tty:
                self._draw()
            else:
                self._line(f"[{self.files_done}/{self.files_total}] {action} {name} ({megabytes(size)})")

    def failed(self, name: str, reason: str) -> None:
        with self._lock:
            self.files_done += 1
            self._line(f"FAILED {name}: {reason}")

    def close(self) -> None:
        with self._lock:
            if self.tty and self.files_total:
                self._draw()
                self.stream.write("\n")
                self.stream.flush()

    def _speed(self) -> float:
        return self.bytes_done / max(time.monotonic() - self.started, 1e-3)

    def _draw(self) -> None:
        fraction = self.bytes_done / self.bytes_total if self.bytes_total else 1.0
        filled = int(BAR_WIDTH * min(fraction, 1.0))
        self.stream.write(
            f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {fraction:4.0%}  "
            f"{self.files_done}/{self.files_total} files  "
            f"{megabytes(self.bytes_done)} of {megabytes(self.bytes_total)}  "
            f"{megabytes(self._speed())}/s \x1b[K"
        )
        self.stream.flush()
        self._drawn = time.monotonic()

    def _line(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        if self.tty:
            self._draw()
        self.stream.flush()
