"""The Open Graph image: the page's photo cut to the link-preview card around its focal point, in a
job the first time a preview robot asks (until then its address redirects to the photo itself)."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from PIL import Image as PILImage

from sgoodie.photos import edits as photo_edits
from sgoodie.services import services
from tests.conftest import three_bands_jpeg


def _og_image(app, client, path: str) -> tuple[str, PILImage.Image]:
    html = client.get(path).get_data(as_text=True)
    url = html.split('<meta property="og:image" content="', 1)[1].split('"', 1)[0]
    first = client.get(urlsplit(url).path)  # being made: the photo meanwhile, never cached
    assert first.status_code == 302 and first.headers["Cache-Control"] == "no-store"
    assert "/media/projects/" in first.headers["Location"]
    with app.app_context():
        assert services().jobs.wait(60)
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200 and response.content_type == "image/jpeg"
    assert "immutable" in response.headers["Cache-Control"]
    return url, PILImage.open(io.BytesIO(response.data)).convert("RGB")


def _colour(image: PILImage.Image) -> tuple[int, int, int]:
    return image.resize((1, 1), PILImage.Resampling.BOX).getpixel((0, 0))


def test_the_share_image_is_cut_around_the_focal_point(app, client, portfolio):
    project = portfolio.project("Tall Story", "interiors", photos=1)
    with app.test_request_context():
        photo = services().store.photos_for_project(project.id)[0]
        share_key = next(v.key for v in photo.variants if v.format == "jpeg" and v.width == 1280)
        services().blobs.put(share_key, three_bands_jpeg(), content_type="image/jpeg")

        photo_edits.set_focal_point(photo, 0.5, 0.0)
    url, card = _og_image(app, client, f"/projects/{project.slug}")
    assert "/share/500/0/" in url and card.size == (1200, 630)
    red, green, blue = _colour(card)
    assert red > 180 and green < 40 and blue < 40  # the top band only

    with app.test_request_context():
        photo_edits.set_focal_point(services().store.get_photo(photo.id), 0.5, 1.0)
    url, card = _og_image(app, client, f"/projects/{project.slug}")
    assert "/share/500/1000/" in url
    red, green, blue = _colour(card)
    assert blue > 180 and red < 40 and green < 40  # the bottom band only


def test_the_share_route_serves_only_public_jpeg_variants(app, client, portfolio):
    project = portfolio.project("Guarded", "interiors", photos=1)
    with app.app_context():
        photo = services().store.photos_for_project(project.id)[0]
    for path in (
        f"/share/500/500/{photo.original_key}",  # originals stay private
        f"/share/500/500/projects/{project.id}/variants/{photo.id}/1280.webp",
        f"/share/500/1001/projects/{project.id}/variants/{photo.id}/1280.jpg",  # off the photo
        f"/share/400/500/projects/{project.id}/variants/{photo.id}/1280.jpg",  # not its focal point
        f"/share/500/500/projects/{project.id}/variants/{photo.id}/2560.jpg",  # not one of its files
        f"/share/500/500/projects/another/variants/{photo.id}/1280.jpg",  # not its project
    ):
        assert client.get(path).status_code == 404, path


def test_a_share_card_is_queued_once_however_often_it_is_asked_for(app, client, portfolio, held_jobs):
    project = portfolio.project("Asked Often", "interiors", photos=1)
    with app.app_context():
        photo = services().store.photos_for_project(project.id)[0]
    path = f"/share/500/500/projects/{project.id}/variants/{photo.id}/1280.jpg"
    for _ in range(3):
        assert client.get(path).status_code == 302
    assert held_jobs.queued == [
        (
            "photo.cut-share",
            {"key": f"projects/{project.id}/variants/{photo.id}/1280.jpg", "focal_x": 500, "focal_y": 500},
        )
    ]
