"""The Open Graph image: the page's photo cut to the link-preview card around its focal point."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from PIL import Image as PILImage
from PIL import ImageDraw

from sgoodie import content
from sgoodie.photos import edits as photo_edits
from sgoodie.services import services


def _bands(size=(1280, 1920)) -> bytes:
    """A portrait in three bands: red at the top, green in the middle, blue at the bottom."""
    image = PILImage.new("RGB", size, (0, 200, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], size[1] // 3), fill=(220, 0, 0))
    draw.rectangle((0, 2 * size[1] // 3, size[0], size[1]), fill=(0, 0, 220))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _og_image(client, path: str) -> tuple[str, PILImage.Image]:
    html = client.get(path).get_data(as_text=True)
    url = html.split('<meta property="og:image" content="', 1)[1].split('"', 1)[0]
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
        services().blobs.put(share_key, _bands(), content_type="image/jpeg")

        photo_edits.set_focal_point(photo, 0.5, 0.0)
    url, card = _og_image(client, f"/projects/{project.slug}")
    assert "/share/500/0/" in url and card.size == (1200, 630)
    red, green, blue = _colour(card)
    assert red > 180 and green < 40 and blue < 40  # the top band only

    with app.test_request_context():
        photo_edits.set_focal_point(services().store.get_photo(photo.id), 0.5, 1.0)
    url, card = _og_image(client, f"/projects/{project.slug}")
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
        f"/share/500/500/projects/{project.id}/variants/{photo.id}/1280.jpg",  # no such file stored
    ):
        assert client.get(path).status_code == 404, path


def _columns(size=(2400, 1600)) -> bytes:
    """A landscape in three columns: red on the left, green in the middle, blue on the right."""
    image = PILImage.new("RGB", size, (0, 200, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 3, size[1]), fill=(220, 0, 0))
    draw.rectangle((2 * size[0] // 3, 0, size[0], size[1]), fill=(0, 0, 220))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_phones_get_the_hero_cut_around_its_focal_point(app, client):
    from sgoodie.domain import Image, Variant
    from sgoodie.photos import lifecycle

    with app.test_request_context():
        image_id = "hero-photo"
        prefix = f"pages/home/variants/{image_id}/"
        services().blobs.put(prefix + "2400.jpg", _columns(), content_type="image/jpeg")
        hero = Image(2400, 1600, [Variant(2400, 1600, "jpeg", prefix + "2400.jpg")], focal_x=0.0, focal_y=0.5)
        content.pages.modify("home", lambda page: page.images.update(hero={**hero.to_dict(), "id": image_id}))

    html = client.get("/").get_data(as_text=True)
    source = html.split('<source media="(max-aspect-ratio: 13/25)" type="image/webp"', 1)[1].split(">", 1)[0]
    # The cut of a 2400 x 1600 photo is 900 x 1600: the steps below it, and it.
    urls = [part.split()[0] for part in source.split('srcset="', 1)[1].split('"', 1)[0].split(", ")]
    assert [url.rsplit("/", 1)[1] for url in urls] == ["480.webp", "640.webp", "800.webp", "900.webp"]
    assert urls[-1] == f"/hero/{image_id}/0/500/900.webp"
    # It starts loading with the page: preloaded in the first format, with the picture's srcset.
    avif = html.split('<source media="(max-aspect-ratio: 13/25)" type="image/avif"', 1)[1].split(">", 1)[0]
    avif_srcset = avif.split('srcset="', 1)[1].split('"', 1)[0]
    assert (
        f'<link rel="preload" as="image" type="image/avif" media="(max-aspect-ratio: 13/25)" imagesrcset="{avif_srcset}"'
        in html
    )
    response = client.get(urls[-1])
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    cut = PILImage.open(io.BytesIO(response.data)).convert("RGB")
    assert cut.size == (900, 1600)
    red, green, blue = _colour(cut)
    assert red > 150 and blue < 40  # the left of the photo, where its subject is
    with app.app_context():  # kept beside the hero's files, and removed with them
        assert f"{prefix}phone-0-500-900.webp" in services().blobs.list_keys(prefix)
        lifecycle.discard_page_photo({"id": image_id, "variants": [{"key": prefix + "2400.jpg"}]})
        assert services().blobs.list_keys(prefix) == []

    for path in (
        f"/hero/{image_id}/500/500/900.webp",  # not the hero's focal point: nothing is cut
        f"/hero/{image_id}/0/500/1000.webp",  # not one of its widths
        "/hero/another/0/500/900.webp",
    ):
        assert client.get(path).status_code == 404, path


def test_the_hero_cut_is_made_from_the_largest_file_of_its_format(app, client):
    """An AVIF or WebP re-encoded from the JPEG would carry the JPEG's artefacts (and weigh more):
    each format is cut from its own largest file, with the rights that file carries."""
    from sgoodie.domain import Image, Rights, Variant
    from sgoodie.images.pipeline import _encode, file_metadata
    from sgoodie.images.rights import read_rights

    rights = Rights(creator="Sam Goodie", copyright="© 2026 S.Goodie Photography")
    mirrored = PILImage.open(io.BytesIO(_columns())).transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
    webp = _encode(mirrored, "webp", {"quality": 90}, file_metadata(rights, None)).data
    with app.test_request_context():
        image_id = "hero-two-formats"
        prefix = f"pages/home/variants/{image_id}/"
        services().blobs.put(prefix + "2400.jpg", _columns(), content_type="image/jpeg")
        services().blobs.put(prefix + "2400.webp", webp, content_type="image/webp")
        variants = [
            Variant(2400, 1600, "jpeg", prefix + "2400.jpg"),
            Variant(2400, 1600, "webp", prefix + "2400.webp"),
        ]
        hero = Image(2400, 1600, variants, focal_x=0.0, focal_y=0.5)
        content.pages.modify("home", lambda page: page.images.update(hero={**hero.to_dict(), "id": image_id}))

    response = client.get(f"/hero/{image_id}/0/500/900.webp")
    assert response.status_code == 200
    red, green, blue = _colour(PILImage.open(io.BytesIO(response.data)).convert("RGB"))
    assert blue > 150 and red < 40  # the WebP's left column (blue), not the JPEG's (red)
    carried = read_rights(response.data)
    assert (carried.creator, carried.copyright) == (rights.creator, rights.copyright)
