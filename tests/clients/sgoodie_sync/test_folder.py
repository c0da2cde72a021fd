"""The folder side: which files are photos, their keys (the same on every operating system), and
the local cache that spares hashing unchanged files."""

from __future__ import annotations

import json
import os
import unicodedata

from sgoodie_sync import folder
from sgoodie_sync.folder import STATE_FILE, external_id, natural_key, scan


def test_photos_are_keyed_by_their_path_in_nfc_and_other_files_are_named(tmp_path, write_photo):
    decomposed = unicodedata.normalize("NFD", "Kraków")  # as macOS hands the name out
    write_photo(tmp_path / decomposed / "IMG_2.jpg", title="Market square")
    write_photo(tmp_path / "IMG_10.JPG")
    write_photo(tmp_path / ".hidden" / "IMG_3.jpg")
    write_photo(tmp_path / "._IMG_10.JPG")  # a macOS companion file
    (tmp_path / "notes.txt").write_text("client call on Tuesday")
    photos, others = scan(tmp_path)
    keys = sorted((p.external_id for p in photos), key=natural_key)  # NFC, whatever the disk said
    assert keys == ["IMG_10.JPG", "Kraków/IMG_2.jpg"]
    assert [p.name for p in others] == ["notes.txt"]
    by_key = {p.external_id: p for p in photos}
    assert by_key["Kraków/IMG_2.jpg"].text.title == "Market square"
    assert by_key["IMG_10.JPG"].content_type == "image/jpeg"
    assert by_key["Kraków/IMG_2.jpg"].filename == "IMG_2.jpg"
    assert external_id(tmp_path, tmp_path / "a" / "b.jpg") == "a/b.jpg"


def test_natural_order_puts_2_before_10():
    names = ["IMG_10.jpg", "img_2.jpg", "IMG_1.jpg", "b/IMG_1.jpg", "IMG_1a.jpg"]
    assert sorted(names, key=natural_key) == [
        "b/IMG_1.jpg",
        "IMG_1.jpg",
        "IMG_1a.jpg",
        "img_2.jpg",
        "IMG_10.jpg",
    ]


def test_unchanged_files_are_not_hashed_again(tmp_path, write_photo, monkeypatch):
    first = write_photo(tmp_path / "IMG_1.jpg", title="One")
    write_photo(tmp_path / "IMG_2.jpg", title="Two", seed=2)
    hashed = []
    real = folder.sha256_of
    monkeypatch.setattr(folder, "sha256_of", lambda path: hashed.append(path.name) or real(path))

    before, _ = scan(tmp_path)
    assert sorted(hashed) == ["IMG_1.jpg", "IMG_2.jpg"]
    assert set(json.loads((tmp_path / STATE_FILE).read_text())["files"]) == {"IMG_1.jpg", "IMG_2.jpg"}

    hashed.clear()
    again, _ = scan(tmp_path)
    assert hashed == [] and again == before

    write_photo(first, title="One, edited", seed=5)  # a new export of the same file
    stat = first.stat()
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after, _ = scan(tmp_path)
    assert hashed == ["IMG_1.jpg"]
    changed = {p.external_id: p for p in after}["IMG_1.jpg"]
    assert changed.text.title == "One, edited" and changed.sha256 != before[0].sha256

    hashed.clear()
    scan(tmp_path, use_cache=False)
    assert sorted(hashed) == ["IMG_1.jpg", "IMG_2.jpg"]


def test_a_damaged_cache_is_ignored(tmp_path, write_photo):
    write_photo(tmp_path / "IMG_1.jpg", title="One")
    (tmp_path / STATE_FILE).write_text("{not json")
    photos, _ = scan(tmp_path)
    assert [p.text.title for p in photos] == ["One"]
