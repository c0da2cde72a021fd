"""The variant pipeline on real-looking inputs, and its refusals on bad ones."""

from __future__ import annotations

import io
import time

import pillow_heif
import pytest
from PIL import Image

from sgoodie.images import WIDTHS, ImageError, detect_format, make_variants
from sgoodie.photos.files import store_variants

from .conftest import camera_exif, encode, photo


def _open(variant) -> Image.Image:
    image = Image.open(io.BytesIO(variant.data))
    image.load()
    return image


def _widths(result) -> list[int]:
    return sorted({v.width for v in result.variants})


def test_every_width_in_every_format_never_upscaled():
    result = make_variants(encode(photo((3000, 2000))))
    assert _widths(result) == [320, 640, 960, 1280, 1920, 2560]
    assert (result.width, result.height) == (3000, 2000)
    assert len(result.variants) == 18
    for variant in result.variants:
        image = _open(variant)
        assert image.format == {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}[variant.format]
        assert image.size == (variant.width, variant.height)
        assert abs(variant.height - variant.width * 2000 / 3000) <= 1
    assert result.dominant_color.startswith("#") and len(result.dominant_color) == 7
    assert result.placeholder.startswith("data:image/webp;base64,") and len(result.placeholder) < 1000
    assert result.source_format == "jpg"


def test_parallel_encodes_give_the_same_bytes_as_one_at_a_time():
    """Encodes run concurrently, and Pillow keeps save options on the image object: sharing one
    object between encodes once swapped their settings (WebP saved at AVIF's quality)."""
    from sgoodie.image_formats import EncoderQuality
    from sgoodie.images.pipeline import _decode, _encode, _resized, target_widths

    noisy = Image.blend(photo((2700, 1800)), Image.effect_noise((2700, 1800), 40).convert("RGB"), 0.3)
    data = encode(noisy, quality=95)
    decoded, size, _, _ = _decode(data)
    quality = EncoderQuality()
    one_at_a_time = {
        (width, fmt): _encode(image, fmt, quality.options(fmt), {}).data
        for width, image in _resized(decoded, target_widths(size[0]))
        for fmt in ("webp", "jpeg")
    }
    for _ in range(3):
        parallel = {(v.width, v.format): v.data for v in make_variants(data).variants if v.format != "avif"}
        assert parallel == one_at_a_time  # AVIF is left out: its encoder is not byte-for-byte repeatable


def test_a_small_original_adds_its_own_width():
    assert _widths(make_variants(encode(photo((1500, 1000))))) == [320, 640, 960, 1280, 1500]


def test_an_image_smaller_than_the_smallest_width_keeps_its_size():
    result = make_variants(encode(photo((200, 150)), "PNG"))
    assert _widths(result) == [200] and len(result.variants) == 3


def test_exif_orientation_is_applied():
    data = encode(photo((1600, 1000)), exif=camera_exif(orientation=6))  # camera held upright
    result = make_variants(data)
    assert (result.width, result.height) == (1000, 1600)
    upright = _open(next(v for v in result.variants if v.format == "jpeg" and v.width == 640))
    assert upright.size[1] > upright.size[0]
    r, g, b = upright.convert("RGB").getpixel((upright.width - 30, 30))  # the red block is now top-right
    assert r > 180 and g < 90


def test_gps_and_private_metadata_never_reach_a_public_file():
    data = encode(photo(), exif=camera_exif(gps=True))
    result = make_variants(data)
    assert result.exif == {
        "camera": "Canon EOS R5",
        "lens": "RF24-70mm F2.8 L IS USM",
        "focal_length": "35 mm",
        "aperture": "f/5.6",
        "shutter": "1/250",
        "iso": 400,
        "taken_at": "2025-06-01T18:42:10",
    }
    for variant in result.variants:
        image = _open(variant)
        assert not image.getexif() or 0x8825 not in image.getexif()
        assert b"Canon" not in variant.data and b"Exif" not in variant.data[:4096]


def test_adobe_rgb_is_converted_to_srgb(adobe_rgb_profile):
    def rendered(data):
        result = make_variants(data)
        return _open(next(v for v in result.variants if v.format == "jpeg")).convert("RGB").getpixel(
            (50, 50)
        ), result

    colour = Image.new("RGB", (800, 600), (60, 160, 90))
    plain, _ = rendered(encode(colour, quality=95))
    converted, result = rendered(encode(colour, icc_profile=adobe_rgb_profile, quality=95))
    # The same numbers mean a more saturated green in Adobe RGB: in sRGB red drops to almost nothing.
    assert plain[0] > 50 and converted[0] < 20
    assert "icc_profile" not in _open(result.variants[0]).info


def test_display_p3_is_converted(display_p3_profile):
    red = Image.new("RGB", (800, 600), (220, 30, 30))
    plain = make_variants(encode(red, quality=95))
    tagged = make_variants(encode(red, icc_profile=display_p3_profile, quality=95))

    def pixel(result):
        return _open(next(v for v in result.variants if v.format == "jpeg")).convert("RGB").getpixel((50, 50))

    assert pixel(tagged)[0] > pixel(plain)[0]  # P3 red is redder than sRGB red


def test_cmyk_jpeg_becomes_rgb():
    result = make_variants(encode(photo().convert("CMYK")))
    image = _open(next(v for v in result.variants if v.format == "jpeg"))
    assert image.mode == "RGB"
    r, g, b = image.getpixel((30, 30))
    assert r > 170 and g < 110  # the red block stays red (no inverted Adobe CMYK)


def test_png_with_alpha_keeps_it_in_webp_and_flattens_on_white_in_jpeg():
    image = Image.new("RGBA", (900, 600), (0, 0, 0, 0))
    image.paste((30, 60, 200, 255), (300, 200, 600, 400))
    result = make_variants(encode(image, "PNG"))
    webp = _open(next(v for v in result.variants if v.format == "webp" and v.width == 640))
    assert webp.mode == "RGBA" and webp.getpixel((5, 5))[3] == 0
    jpeg = _open(next(v for v in result.variants if v.format == "jpeg" and v.width == 640))
    assert jpeg.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=6)


def test_sixteen_bit_png_is_scaled_not_clipped():
    grey = Image.new("I;16", (700, 500), 32768)  # mid grey in 16 bits
    result = make_variants(encode(grey, "PNG"))
    value = _open(next(v for v in result.variants if v.format == "jpeg")).convert("L").getpixel((10, 10))
    assert 110 < value < 145


def test_palette_png_with_transparency():
    image = photo((800, 500)).convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    image.info["transparency"] = 0
    result = make_variants(encode(image, "PNG", transparency=0))
    assert _open(next(v for v in result.variants if v.format == "webp")).mode == "RGBA"


def test_animated_gif_uses_its_first_frame():
    frames = [Image.new("RGB", (500, 400), color) for color in ((200, 30, 30), (30, 30, 200))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    result = make_variants(buffer.getvalue())
    r, g, b = _open(next(v for v in result.variants if v.format == "jpeg")).convert("RGB").getpixel((10, 10))
    assert r > 150 and b < 90


def test_heic_from_a_phone():
    heif = pillow_heif.from_pillow(photo((1200, 900)))
    buffer = io.BytesIO()
    heif.save(buffer, quality=80)
    result = make_variants(buffer.getvalue())
    assert result.source_format == "heic" and _widths(result) == [320, 640, 960, 1200]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"this is a text file, not a photo" * 10, "not an image"),
        (encode(photo())[:5000], "incomplete"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not an image"),
    ],
)
def test_bad_files_are_refused_with_a_human_reason(data, words):
    with pytest.raises(ImageError) as caught:
        make_variants(data)
    assert words in str(caught.value)


def test_a_decompression_bomb_is_refused_quickly():
    bomb = encode(Image.new("L", (12000, 12000)), "PNG", optimize=True)  # 144 megapixels, a few hundred KB
    started = time.monotonic()
    with pytest.raises(ImageError) as caught:
        make_variants(bomb)
    assert "megapixels" in str(caught.value)
    assert time.monotonic() - started < 5


def test_detect_format():
    assert detect_format(encode(photo((200, 200)))[:64]) == "jpg"
    assert detect_format(encode(photo((200, 200)), "PNG")[:64]) == "png"
    assert detect_format(encode(photo((200, 200)), "WEBP")[:64]) == "webp"
    assert detect_format(encode(photo((200, 200)), "AVIF")[:64]) == "avif"
    assert detect_format(b"%PDF-1.7") is None


def test_store_variants_writes_immutable_files(tmp_path):
    from sgoodie.blobs.local import LocalBlobStore

    blobs = LocalBlobStore(tmp_path)
    stored = store_variants(blobs, "projects/p/variants/x/", make_variants(encode(photo((700, 500)))))
    assert {v.key for v in stored} == {
        f"projects/p/variants/x/{w}.{ext}" for w in (320, 640, 700) for ext in ("avif", "webp", "jpg")
    }
    assert all(blobs.head(v.key).size == v.bytes for v in stored)
    assert WIDTHS[0] == 320


def test_the_quality_presets_drive_the_encoders():
    from PIL import JpegImagePlugin

    from sgoodie.image_formats import QUALITY_PRESETS
    from sgoodie.images.pipeline import RenderSettings

    noisy = Image.blend(photo((2000, 1333)), Image.effect_noise((2000, 1333), 40).convert("RGB"), 0.3)
    data = encode(noisy, quality=95)
    balanced = make_variants(data, RenderSettings(QUALITY_PRESETS["balanced"][1]))
    high = make_variants(data, RenderSettings(QUALITY_PRESETS["high"][1]))
    for fmt in ("avif", "webp", "jpeg"):
        assert sum(len(v.data) for v in high.variants if v.format == fmt) > sum(
            len(v.data) for v in balanced.variants if v.format == fmt
        ), fmt
    sampling = {
        name: JpegImagePlugin.get_sampling(_open(next(v for v in result.variants if v.format == "jpeg")))
        for name, result in (("balanced", balanced), ("high", high))
    }
    assert sampling == {"balanced": 2, "high": 0}  # 4:2:0 and 4:4:4
    # Balanced is what the site always used: the same bytes as the encoders' own settings.
    assert [v.data for v in balanced.variants if v.format != "avif"] == [
        v.data for v in make_variants(data).variants if v.format != "avif"
    ]


def test_quality_sizes_measures_each_preset_per_format_at_1280_and_2560():
    from sgoodie.image_formats import QUALITY_PRESETS, EncoderQuality
    from sgoodie.images.pipeline import quality_sizes

    data = encode(Image.blend(photo((3000, 2000)), Image.effect_noise((3000, 2000), 40).convert("RGB"), 0.3))
    qualities = {name: quality for name, (_, quality) in QUALITY_PRESETS.items()}
    qualities["custom"] = EncoderQuality(50, "4:2:0", 50, 40)
    sizes = quality_sizes(data, qualities)
    assert set(sizes) == {"balanced", "high", "custom"}
    for name in sizes:
        assert set(sizes[name]) == {"avif", "webp", "jpeg"}
        for fmt in sizes[name]:
            assert set(sizes[name][fmt]) == {1280, 2560}
            assert sizes[name][fmt][2560] > sizes[name][fmt][1280] > 0
            assert sizes["custom"][fmt][1280] < sizes["balanced"][fmt][1280] < sizes["high"][fmt][1280]


def test_quality_sizes_of_a_photo_narrower_than_2560_use_its_own_width():
    from sgoodie.image_formats import EncoderQuality
    from sgoodie.images.pipeline import quality_sizes

    sizes = quality_sizes(encode(photo((2000, 1333))), {"balanced": EncoderQuality()})
    assert set(sizes["balanced"]["jpeg"]) == {1280, 2000}
