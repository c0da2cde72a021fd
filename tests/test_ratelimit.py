"""Counting windows in the content store, under concurrency (real SQLite store)."""

from __future__ import annotations

import threading
import time

from sgoodie.ratelimit import Window


def test_concurrent_first_events_all_count_and_keep_one_window(app, monkeypatch):
    window = Window("test-window", limit=5, seconds=600)
    start, seen = threading.Barrier(12), []

    def hit():
        with app.app_context():
            start.wait()
            seen.append(window.hit("ip:198.51.100.7"))

    threads = [threading.Thread(target=hit) for _ in range(12)]
    [t.start() for t in threads]
    [t.join(timeout=30) for t in threads]
    assert sorted(seen) == list(range(1, 13))  # each caller got its own number: none was lost
    with app.app_context():
        assert window.count("ip:198.51.100.7") == 12
        assert 590 <= window.seconds_left("ip:198.51.100.7") <= 600
        later = time.time() + 2
        monkeypatch.setattr("sgoodie.ratelimit.time.time", lambda: later)
        window.hit("ip:198.51.100.7")  # a later event does not move the window's end
        assert window.seconds_left("ip:198.51.100.7") <= 599
