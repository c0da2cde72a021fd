"""Storage keys: a watermarked file names its mark, so it never has a clean file's address."""

from __future__ import annotations

from sgoodie.blobs import (
    download_name,
    is_public_key,
    is_signable_key,
    phone_cut_name,
    share_cut_key,
    variant_name,
    watermark_of,
)


def test_a_marked_file_names_its_mark_and_a_clean_one_never_does():
    names = {
        variant_name(1280, "avif"),
        variant_name(1280, "avif", "1a2b3c4d"),
        variant_name(1280, "avif", "", "0badf00d"),
        variant_name(1280, "avif", "1a2b3c4d", "0badf00d"),
        variant_name(1280, "avif", "1a2b3c4d", "deadbeef"),
    }
    assert len(names) == 5
    assert variant_name(1280, "avif", "1a2b3c4d", "0badf00d") == "1280-1a2b3c4d-w0badf00d.avif"
    marks = {name: watermark_of(f"projects/p/variants/x/{name}") for name in names}
    assert marks == {
        "1280.avif": "",
        "1280-1a2b3c4d.avif": "",
        "1280-w0badf00d.avif": "0badf00d",
        "1280-1a2b3c4d-w0badf00d.avif": "0badf00d",
        "1280-1a2b3c4d-wdeadbeef.avif": "deadbeef",
    }
    key = "projects/p1/variants/x1/" + variant_name(2560, "jpeg", "1a2b3c4d", "0badf00d")
    assert is_public_key(key) and is_signable_key("private/" + key)
    assert share_cut_key(key, 500, 300).endswith("/share-500-300-w0badf00d.jpg")
    assert share_cut_key("projects/p1/variants/x1/2560.jpg", 500, 300).endswith("/share-500-300.jpg")
    assert phone_cut_name("500-300", 1280, "avif", "0badf00d") == "phone-500-300-1280-w0badf00d.avif"
    assert phone_cut_name("500-300", 1280, "avif") == "phone-500-300-1280.avif"
    assert download_name(2560, "1a2b3c4d") == "download-2560-1a2b3c4d.jpg" and not watermark_of(
        download_name(2560)
    )
