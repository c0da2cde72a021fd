"""The app's own /media/ route (no CDN): variants of live photos only, and any other key a 404,
never an error."""

from __future__ import annotations

from sgoodie.blobs import IMMUTABLE
from sgoodie.domain import new_id
from sgoodie.services import services


def test_only_keys_shaped_like_a_variant_reach_storage_and_the_rest_are_404(app, client, portfolio):
    project = portfolio.project("Served", photos=1)
    with app.app_context():
        (photo,) = services().store.photos_for_project(project.id)
        key = next(v.key for v in photo.variants if v.format == "webp")
        services().blobs.put(key, b"RIFF....WEBP", content_type="image/webp", cache_control=IMMUTABLE)
        stray = f"projects/{new_id()}/variants/{new_id()}/320.webp"  # a file no live photo names
        services().blobs.put(stray, b"RIFF....WEBP", content_type="image/webp", cache_control=IMMUTABLE)
    served = client.get(f"/media/{key}")
    assert served.status_code == 200 and served.data == b"RIFF....WEBP"
    assert served.headers["Cache-Control"] == IMMUTABLE
    assert client.get(f"/media/{stray}").status_code == 404
    for path in (
        "/media/projects/a/variants/b/%00.jpg",  # a NUL byte: no file can be named so
        "/media/projects/a%00b/variants/c/320.jpg",
        "/media/projects/a/variants/b/" + "x" * 300 + ".jpg",  # longer than a file name may be
        "/media/projects/" + "a" * 300 + "/variants/b/320.jpg",
        "/media/projects/a/variants/b/320 .jpg",
        "/media/pages/home/original/a.jpg",  # originals stay private
        "/media/projects/a/variants/../original/b.jpg",
    ):
        assert client.get(path).status_code == 404, path
