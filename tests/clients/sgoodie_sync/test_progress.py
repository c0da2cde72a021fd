"""Progress: a bar redrawn in place on a terminal, a line per file elsewhere."""

from __future__ import annotations

import io

from sgoodie_sync.progress import Progress


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress(2, 3_000_000, out, tty=False)
    progress.sent(1_000_000)
    progress.finished("uploaded", "IMG_1.jpg", 1_000_000)
    progress.sent(2_000_000)
    progress.failed("IMG_2.jpg", "The file is larger than the 50 MB allowed.")
    progress.close()
    assert out.getvalue().splitlines() == [
        "[1/2] uploaded IMG_1.jpg (1.0 MB)",
        "FAILED IMG_2.jpg: The file is larger than the 50 MB allowed.",
    ]


def test_a_bar_with_bytes_and_files_on_a_terminal():
    out = io.StringIO()
    progress = Progress(4, 8_000_000, out, tty=True)
    progress.sent(4_000_000)
    progress.finished("uploaded", "IMG_1.jpg", 4_000_000)
    progress.close()
    last = out.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("[############------------]  50%  1/4 files  4.0 MB of 8.0 MB")
    assert "MB/s" in last and out.getvalue().endswith("\n")
