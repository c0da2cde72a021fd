"""Procedural "photographs" for the demo portfolio: rooms, landscapes, still lifes and a portrait.

Drawn with Pillow alone (no downloads, no bundled files) from a seed, so the demo is the same on
every machine. Each picture is built like a photo is lit: base shapes, then light (window spill,
sun glow), soft shadows, a slight lens softness, vignette and film grain, then saved as a JPEG
with camera EXIF so the pipeline's metadata path runs too.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

RGB = tuple[int, int, int]
LANDSCAPE, PORTRAIT = (2000, 1334), (1334, 2000)
# The home hero's photo, painted larger: its 9:16 phone cut is 1,440 px wide, what a 3x phone
# draws (photos.cuts), where a LANDSCAPE photo would give 750.
HERO = (3840, 2560)

CAMERAS = [
    ("Canon", "Canon EOS R5", "RF24-70mm F2.8 L IS USM"),
    ("SONY", "ILCE-7RM4", "FE 16-35mm F2.8 GM"),
    ("FUJIFILM", "X-T5", "XF23mmF1.4 R LM WR"),
    ("NIKON CORPORATION", "NIKON Z 7_2", "NIKKOR Z 50mm f/1.8 S"),
]


# -- small colour and light helpers --------------------------------------------------------------
def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _shade(color: RGB, factor: float) -> RGB:
    return tuple(max(0, min(255, round(c * factor))) for c in color)  # type: ignore[return-value]


def _vertical(size: tuple[int, int], top: RGB, bottom: RGB, mid: RGB | None = None) -> Image.Image:
    ramp = Image.linear_gradient("L").resize(size)
    if mid is None:
        return ImageOps.colorize(ramp, top, bottom)
    return ImageOps.colorize(ramp, top, bottom, mid)


def _glow(
    size: tuple[int, int], center: tuple[float, float], radius: float, color: RGB, strength: float
) -> Image.Image:
    """A soft pool of light, to be added onto a picture (drawn small and blurred, then enlarged)."""
    factor = 8
    small = (max(1, size[0] // factor), max(1, size[1] // factor))
    mask = Image.new("L", small, 0)
    cx, cy, r = center[0] / factor, center[1] / factor, radius / factor
    ImageDraw.Draw(mask).ellipse(
        [cx - r * 0.5, cy - r * 0.5, cx + r * 0.5, cy + r * 0.5], fill=int(255 * strength)
    )
    mask = mask.filter(ImageFilter.GaussianBlur(r * 0.45)).resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, color), Image.new("RGB", size, (0, 0, 0)), mask)


def _finish(
    image: Image.Image, rng: random.Random, softness: float = 1.0, vignette: float = 0.35, grain: float = 6.0
) -> Image.Image:
    """Lens softness, vignette and film grain: what makes flat shapes read as a photograph."""
    image = image.filter(ImageFilter.GaussianBlur(softness))
    w, h = image.size
    edges = (
        Image.radial_gradient("L").resize((w, h)).point(lambda v: 255 - int(max(0, v - 90) * vignette * 1.6))
    )
    image = ImageChops.multiply(image, Image.merge("RGB", (edges, edges, edges)))
    noise = Image.effect_noise((w, h), grain).convert("RGB")
    return ImageChops.add(image, noise, scale=1.0, offset=-128)


def _rounded(draw: ImageDraw.ImageDraw, box, radius: int, fill: RGB) -> None:
    draw.rounded_rectangle([int(v) for v in box], radius=radius, fill=fill)


def _shadow(size, box, blur: float, darkness: int = 110) -> Image.Image:
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse([int(v) for v in box], fill=darkness)
    return mask.filter(ImageFilter.GaussianBlur(blur))


def _darken(image: Image.Image, mask: Image.Image) -> Image.Image:
    return Image.composite(Image.new("RGB", image.size, (12, 10, 8)), image, mask)


# -- interiors -------------------------------------------------------------------------------------
WALLS = [(236, 230, 219), (214, 222, 208), (229, 214, 196), (205, 212, 218), (238, 225, 214)]
FLOORS = [(166, 122, 84), (120, 84, 58), (188, 176, 160), (142, 110, 82)]
ACCENTS = [(62, 84, 74), (148, 92, 68), (46, 58, 82), (176, 150, 96), (120, 72, 70), (88, 96, 70)]
# What a person would call each colour, for the alt texts (`describe`).
WALL_NAMES = ["off-white", "pale sage", "warm beige", "pale blue-grey", "blush white"]
FLOOR_NAMES = ["honey oak", "dark walnut", "pale limed oak", "mid-brown oak"]
ACCENT_NAMES = ["forest-green", "terracotta", "navy", "ochre", "brick-red", "olive-green"]


def _interior_choices(rng: random.Random) -> tuple[int, int, int]:
    """The first draws of `interior`: which wall, floor and accent (sofa, rug, art) colours."""
    return rng.randrange(len(WALLS)), rng.randrange(len(FLOORS)), rng.randrange(len(ACCENTS))


def interior(rng: random.Random, size=LANDSCAPE) -> Image.Image:
    w, h = size
    u = max(size) / LANDSCAPE[0]  # what one pixel of the usual size is here (the hero is larger)
    wall_i, floor_i, accent_i = _interior_choices(rng)
    wall, floor, accent = WALLS[wall_i], FLOORS[floor_i], ACCENTS[accent_i]
    shift = rng.uniform(-0.06, 0.06) * w
    bx0, bx1 = w * 0.3 + shift, w * 0.7 + shift
    by0, by1 = h * rng.uniform(0.18, 0.26), h * rng.uniform(0.6, 0.66)
    image = Image.new("RGB", size, wall)
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 0), (w, 0), (bx1, by0), (bx0, by0)], fill=_shade(wall, 1.04))  # ceiling
    draw.polygon([(0, 0), (bx0, by0), (bx0, by1), (0, h)], fill=_shade(wall, 0.86))  # left wall
    draw.polygon([(w, 0), (bx1, by0), (bx1, by1), (w, h)], fill=_shade(wall, 0.93))  # right wall
    draw.polygon([(0, h), (w, h), (bx1, by1), (bx0, by1)], fill=floor)
    for i in range(1, 14):  # floorboards run towards the vanishing point
        t = i / 14
        draw.line([(w * t, h), (bx0 + (bx1 - bx0) * t, by1)], fill=_shade(floor, 0.82), width=round(3 * u))
    # A tall window on the left wall and the light it throws across the floor.
    wx0, wx1 = bx0 * 0.25, bx0 * 0.8
    top = lambda x: by0 * (x / bx0) * 0.95 + h * 0.06  # noqa: E731
    bottom = lambda x: h - (h - by1) * (x / bx0) - h * 0.12  # noqa: E731
    sky = rng.choice([(222, 234, 244), (246, 236, 214), (230, 238, 236)])
    draw.polygon([(wx0, top(wx0)), (wx1, top(wx1)), (wx1, bottom(wx1)), (wx0, bottom(wx0))], fill=sky)
    mid = (wx0 + wx1) / 2
    draw.line([(mid, top(mid)), (mid, bottom(mid))], fill=_shade(wall, 0.7), width=round(6 * u))
    spill = Image.new("L", size, 0)
    ImageDraw.Draw(spill).polygon(
        [(wx0 + w * 0.1, h), (wx1 + w * 0.45, h), (bx0 + w * 0.2, by1 + h * 0.05), (bx0, by1)], fill=120
    )
    spill = spill.filter(ImageFilter.GaussianBlur(w * 0.03))
    image = Image.composite(Image.new("RGB", size, (255, 246, 226)), image, spill)
    draw = ImageDraw.Draw(image)
    # Art on the back wall.
    ax0, ay0 = bx0 + (bx1 - bx0) * rng.uniform(0.15, 0.35), by0 + (by1 - by0) * 0.12
    aw, ah = (bx1 - bx0) * rng.uniform(0.25, 0.38), (by1 - by0) * 0.3
    draw.rectangle([ax0 - 8 * u, ay0 - 8 * u, ax0 + aw + 8 * u, ay0 + ah + 8 * u], fill=(40, 36, 32))
    art = _vertical((int(aw), int(ah)), _mix(accent, (255, 255, 255), 0.4), accent)
    image.paste(art, (int(ax0), int(ay0)))
    # Sofa against the back wall, a rug and a low table in front, a lamp and a plant.
    sofa_y = by1 - (by1 - by0) * 0.02
    sx0, sx1 = bx0 + (bx1 - bx0) * 0.05, bx0 + (bx1 - bx0) * 0.75
    image = _darken(
        image, _shadow(size, (sx0 - 30 * u, sofa_y - 40 * u, sx1 + 40 * u, sofa_y + 60 * u), 30 * u)
    )
    draw = ImageDraw.Draw(image)
    rug = _mix(accent, (240, 232, 220), 0.6)
    draw.polygon(
        [
            (sx0 - w * 0.08, h * 0.92),
            (sx1 + w * 0.12, h * 0.92),
            (sx1 + w * 0.02, sofa_y + h * 0.06),
            (sx0, sofa_y + h * 0.06),
        ],
        fill=rug,
    )
    sofa = _shade(accent, 1.1)
    _rounded(draw, (sx0, sofa_y - h * 0.2, sx1, sofa_y - h * 0.06), round(26 * u), _shade(sofa, 0.9))
    _rounded(draw, (sx0 - 20 * u, sofa_y - h * 0.1, sx1 + 20 * u, sofa_y), round(22 * u), sofa)
    for k in range(3):
        cx = sx0 + (sx1 - sx0) * (0.17 + 0.33 * k)
        _rounded(
            draw,
            (cx - w * 0.05, sofa_y - h * 0.17, cx + w * 0.05, sofa_y - h * 0.08),
            round(30 * u),
            _mix(sofa, (250, 245, 236), 0.35),
        )
    tx0, tx1, ty = sx0 + (sx1 - sx0) * 0.2, sx0 + (sx1 - sx0) * 0.8, sofa_y + h * 0.14
    image = _darken(image, _shadow(size, (tx0, ty + 10 * u, tx1, ty + h * 0.08), 18 * u, 130))
    draw = ImageDraw.Draw(image)
    wood = _shade(floor, 0.75)
    for lx in (tx0 + 30 * u, tx1 - 40 * u):
        draw.rectangle([lx, ty, lx + 12 * u, ty + h * 0.07], fill=_shade(wood, 0.7))
    draw.ellipse([tx0, ty - 28 * u, tx1, ty + 28 * u], fill=wood)
    draw.ellipse([tx0 + 20 * u, ty - 22 * u, tx1 - 20 * u, ty + 18 * u], fill=_shade(wood, 1.15))
    vase = rng.choice([(236, 232, 224), (60, 62, 60), (180, 120, 90)])
    draw.rounded_rectangle(
        [(tx0 + tx1) / 2 - 22 * u, ty - 90 * u, (tx0 + tx1) / 2 + 22 * u, ty - 6 * u],
        radius=round(18 * u),
        fill=vase,
    )
    lamp_x = sx1 + (bx1 - sx1) * 0.55
    draw.line([(lamp_x, sofa_y), (lamp_x, sofa_y - h * 0.32)], fill=(50, 46, 42), width=round(6 * u))
    draw.polygon(
        [
            (lamp_x - 60 * u, sofa_y - h * 0.3),
            (lamp_x + 60 * u, sofa_y - h * 0.3),
            (lamp_x + 40 * u, sofa_y - h * 0.38),
            (lamp_x - 40 * u, sofa_y - h * 0.38),
        ],
        fill=(248, 240, 222),
    )
    image = ImageChops.add(image, _glow(size, (lamp_x, sofa_y - h * 0.3), w * 0.12, (255, 214, 160), 0.45))
    draw = ImageDraw.Draw(image)
    px = w * rng.uniform(0.84, 0.9)
    draw.rounded_rectangle(
        [px - 55 * u, h * 0.72, px + 55 * u, h * 0.86], radius=round(14 * u), fill=(196, 184, 168)
    )
    for _ in range(40):
        lx, ly = px + rng.gauss(0, 70) * u, h * 0.62 + rng.gauss(0, 70) * u
        green = _mix((46, 88, 52), (110, 146, 84), rng.random())
        draw.ellipse([lx - 34 * u, ly - 16 * u, lx + 34 * u, ly + 16 * u], fill=green)
    image = ImageChops.add(image, _glow(size, (wx1, h * 0.5), w * 0.35, (70, 60, 40), 0.5))
    return _finish(image, rng, softness=1.2, vignette=0.3, grain=5)


# -- travel ----------------------------------------------------------------------------------------
SKIES = [
    ((38, 52, 96), (232, 150, 112), (250, 214, 170)),  # dusk
    ((86, 140, 196), (170, 204, 230), (236, 240, 238)),  # clear day
    ((52, 62, 88), (196, 120, 110), (246, 188, 140)),  # sunset
    ((120, 150, 168), (196, 206, 204), (232, 226, 212)),  # haze
]
SKY_NAMES = ["at dusk", "on a clear day", "at sunset", "in the haze"]


def _landscape_choices(rng: random.Random) -> tuple[int, float, tuple[float, float], bool, bool]:
    """The first draws of `landscape`: the sky, the horizon, the sun, water or not, a town or not."""
    sky = rng.randrange(len(SKIES))
    horizon = rng.uniform(0.5, 0.62)
    sun = (rng.uniform(0.25, 0.75), rng.uniform(0.55, 0.85))
    water = rng.random() < 0.5
    city = rng.random() < 0.3
    return sky, horizon, sun, water, city


def _ridge(
    rng: random.Random, w: int, base: float, roughness: float, points: int = 18
) -> list[tuple[float, float]]:
    ys, y = [], base
    for _ in range(points + 1):
        y += rng.gauss(0, roughness)
        y = base + (y - base) * 0.75  # pulled back towards the base: ridges, not noise
        ys.append(y)
    coords = [(w * i / points, ys[i]) for i in range(points + 1)]
    return coords


def landscape(
    rng: random.Random, size=LANDSCAPE, *, water: bool | None = None, city: bool | None = None
) -> Image.Image:
    w, h = size
    sky, horizon_t, sun_t, drawn_water, drawn_city = _landscape_choices(rng)
    top, middle, horizon_color = SKIES[sky]
    horizon = h * horizon_t
    image = _vertical((w, int(horizon)), top, horizon_color, middle)
    canvas = Image.new("RGB", size, horizon_color)
    canvas.paste(image, (0, 0))
    sun = (w * sun_t[0], horizon * sun_t[1])
    canvas = ImageChops.add(canvas, _glow(size, sun, w * 0.3, (255, 210, 150), 0.5))
    draw = ImageDraw.Draw(canvas)
    draw.ellipse([sun[0] - 34, sun[1] - 34, sun[0] + 34, sun[1] + 34], fill=(255, 244, 222))
    water = drawn_water if water is None else water
    city = drawn_city if city is None else city
    layers = rng.randint(3, 5)
    far = _mix(horizon_color, middle, 0.5)
    near = _shade(_mix(top, (30, 36, 30), 0.7), 0.7)
    for i in range(layers):
        t = i / max(1, layers - 1)
        base = horizon - h * (0.16 * (1 - t) + 0.02)
        ridge = _ridge(rng, w, base, h * (0.05 + 0.05 * (1 - t)))
        draw.polygon(ridge + [(w, horizon + 2), (0, horizon + 2)], fill=_mix(far, near, t))
    if city:
        x = 0.0
        while x < w:
            bw, bh = rng.uniform(40, 110), rng.uniform(h * 0.05, h * 0.22)
            draw.rectangle([x, horizon - bh, x + bw, horizon + 2], fill=_shade(near, 0.8))
            for wy in range(int(horizon - bh + 12), int(horizon - 8), 18):
                for wx in range(int(x + 8), int(x + bw - 8), 16):
                    if rng.random() < 0.35:
                        draw.rectangle([wx, wy, wx + 6, wy + 8], fill=(255, 214, 140))
            x += bw + rng.uniform(2, 14)
    if water:
        reflection = ImageOps.flip(canvas.crop((0, 0, w, int(horizon)))).resize((w, h - int(horizon)))
        reflection = ImageChops.multiply(reflection, Image.new("RGB", reflection.size, (176, 190, 200)))
        canvas.paste(reflection, (0, int(horizon)))
        draw = ImageDraw.Draw(canvas)
        for _ in range(260):
            y = rng.uniform(horizon + 4, h)
            x0 = rng.uniform(0, w)
            length = rng.uniform(30, 260) * (y - horizon) / (h - horizon) + 10
            shimmer = (
                _mix(horizon_color, (255, 255, 255), 0.3)
                if abs(x0 - sun[0]) < w * 0.12
                else _shade(horizon_color, 0.75)
            )
            draw.line([(x0, y), (x0 + length, y)], fill=shimmer, width=2)
    else:
        ground = _vertical((w, h - int(horizon)), _mix(near, horizon_color, 0.55), _mix(near, middle, 0.35))
        canvas.paste(ground, (0, int(horizon)))
    return _finish(canvas, rng, softness=0.9, vignette=0.45, grain=7)


# -- brand and product still life ------------------------------------------------------------------
BACKDROPS = [
    ((228, 214, 200), (196, 176, 158)),
    ((210, 222, 216), (170, 188, 180)),
    ((236, 226, 210), (214, 196, 170)),
    ((46, 50, 58), (24, 26, 30)),
]
PRODUCTS = [(38, 58, 48), (176, 98, 62), (232, 226, 214), (64, 42, 38), (196, 164, 92), (58, 70, 104)]
BACKDROP_NAMES = ["warm beige", "pale sage", "cream", "charcoal"]
PRODUCT_NAMES = ["bottle-green", "terracotta", "cream", "dark brown", "ochre", "indigo"]
PRODUCT_KINDS = ["bottle", "jar", "box"]


def _still_life_choices(rng: random.Random):
    """The draws of `still_life` before it paints the leaves: the backdrop, the light, the table
    edge, then per product its colour (an index of PRODUCTS), offset, scale and kind; and whether
    a sprig of leaves is added."""
    backdrop = rng.randrange(len(BACKDROPS))
    light = rng.uniform(0.3, 0.7)
    floor = rng.uniform(0.66, 0.74)
    count = rng.randint(2, 4)
    colors = [PRODUCTS.index(color) for color in rng.sample(PRODUCTS, count)]
    items = [
        (color, rng.uniform(-20, 20), rng.uniform(0.8, 1.15), rng.choice(PRODUCT_KINDS)) for color in colors
    ]
    leaves = rng.random() < 0.6
    return backdrop, light, floor, items, leaves


def still_life(rng: random.Random, size=LANDSCAPE) -> Image.Image:
    w, h = size
    backdrop, light, floor, items, leaves = _still_life_choices(rng)
    wall, table = BACKDROPS[backdrop]
    image = _vertical(size, _shade(wall, 1.05), table)
    image = ImageChops.add(image, _glow(size, (w * light, h * 0.35), w * 0.5, (40, 34, 28), 0.8))
    floor_y = h * floor
    count = len(items)
    spacing = w * 0.6 / count
    start = w * 0.5 - spacing * (count - 1) / 2
    for i, (color_i, offset, size_factor, kind) in enumerate(items):
        color = PRODUCTS[color_i]
        cx = start + i * spacing + offset
        scale = size_factor * h / 1334
        bw = (130 if kind == "bottle" else 170 if kind == "jar" else 220) * scale
        bh = (460 if kind == "bottle" else 230 if kind == "jar" else 300) * scale
        image = _darken(
            image, _shadow(size, (cx - bw * 0.9, floor_y - 20, cx + bw * 1.4, floor_y + 46 * scale), 22, 120)
        )
        draw = ImageDraw.Draw(image)
        x0, x1, y1 = cx - bw / 2, cx + bw / 2, floor_y
        if kind == "box":
            draw.rectangle([x0, y1 - bh, x1, y1], fill=color)
            draw.polygon(
                [
                    (x0, y1 - bh),
                    (x1, y1 - bh),
                    (x1 + bw * 0.25, y1 - bh - bw * 0.18),
                    (x0 + bw * 0.25, y1 - bh - bw * 0.18),
                ],
                fill=_shade(color, 1.25),
            )
            draw.polygon(
                [
                    (x1, y1 - bh),
                    (x1 + bw * 0.25, y1 - bh - bw * 0.18),
                    (x1 + bw * 0.25, y1 - bw * 0.18),
                    (x1, y1),
                ],
                fill=_shade(color, 0.7),
            )
            draw.rectangle(
                [x0 + bw * 0.15, y1 - bh * 0.62, x1 - bw * 0.15, y1 - bh * 0.42],
                fill=_mix(color, (250, 246, 238), 0.75),
            )
        else:
            shoulder = y1 - bh * (0.7 if kind == "bottle" else 0.95)
            _rounded(draw, (x0, shoulder, x1, y1), int(bw * 0.22), color)
            if kind == "bottle":
                draw.rectangle([cx - bw * 0.16, y1 - bh, cx + bw * 0.16, shoulder + 20], fill=color)
                draw.rectangle(
                    [cx - bw * 0.19, y1 - bh - 40 * scale, cx + bw * 0.19, y1 - bh + 8], fill=(30, 28, 26)
                )
            else:
                draw.rectangle([x0 - 6, shoulder - 34 * scale, x1 + 6, shoulder + 4], fill=(196, 186, 170))
            label_top = y1 - bh * (0.5 if kind == "bottle" else 0.7)
            draw.rectangle(
                [x0 + 8, label_top, x1 - 8, label_top + bh * 0.22], fill=_mix(color, (250, 246, 238), 0.8)
            )
            for line in range(3):
                ly = label_top + bh * (0.05 + 0.05 * line)
                draw.line(
                    [(x0 + bw * 0.25, ly), (x1 - bw * (0.25 + 0.1 * line), ly)],
                    fill=_shade(color, 0.6),
                    width=3,
                )
            highlight = Image.new("L", size, 0)
            ImageDraw.Draw(highlight).rectangle(
                [x0 + bw * 0.16, shoulder + 20, x0 + bw * 0.26, y1 - 20], fill=120
            )
            image = Image.composite(
                Image.new("RGB", size, (255, 255, 255)), image, highlight.filter(ImageFilter.GaussianBlur(8))
            )
    if leaves:  # a sprig of leaves for colour
        draw = ImageDraw.Draw(image)
        lx = w * rng.choice([0.14, 0.86])
        for _ in range(16):
            x, y = lx + rng.gauss(0, 40), floor_y - rng.uniform(40, 260)
            draw.ellipse(
                [x - 26, y - 10, x + 26, y + 10], fill=_mix((58, 96, 60), (120, 150, 90), rng.random())
            )
        draw.line([(lx, floor_y), (lx, floor_y - 280)], fill=(70, 90, 60), width=4)
    return _finish(image, rng, softness=1.0, vignette=0.25, grain=4)


# -- portrait --------------------------------------------------------------------------------------
PORTRAIT_BACKDROPS = [(70, 80, 88), (112, 96, 84), (160, 150, 140), (56, 64, 60)]
SKINS = [(222, 184, 156), (186, 140, 110), (140, 98, 72), (238, 204, 180)]
CLOTHES = [(34, 36, 44), (196, 186, 170), (120, 64, 54), (64, 80, 96)]
HAIR = [(40, 30, 24), (96, 64, 40), (160, 128, 90), (24, 22, 22)]
PORTRAIT_BACKDROP_NAMES = ["slate-grey", "warm brown", "light grey", "dark green-grey"]
CLOTH_NAMES = ["charcoal", "stone-coloured", "rust", "slate-blue"]
HAIR_NAMES = ["dark brown", "brown", "dark blond", "black"]


def _portrait_choices(rng: random.Random) -> tuple[int, int, int, int]:
    """The draws of `portrait`: backdrop, skin, clothes and hair colours."""
    return (
        rng.randrange(len(PORTRAIT_BACKDROPS)),
        rng.randrange(len(SKINS)),
        rng.randrange(len(CLOTHES)),
        rng.randrange(len(HAIR)),
    )


def portrait(rng: random.Random, size=PORTRAIT) -> Image.Image:
    w, h = size
    backdrop_i, skin_i, cloth_i, hair_i = _portrait_choices(rng)
    backdrop = PORTRAIT_BACKDROPS[backdrop_i]
    image = _vertical(size, _shade(backdrop, 1.1), _shade(backdrop, 0.6))
    image = ImageChops.add(image, _glow(size, (w * 0.55, h * 0.35), w * 0.55, (70, 62, 52), 0.9))
    skin, cloth, hair = SKINS[skin_i], CLOTHES[cloth_i], HAIR[hair_i]
    cx = w * 0.52
    draw = ImageDraw.Draw(image)
    draw.ellipse([cx - w * 0.46, h * 0.62, cx + w * 0.46, h * 1.25], fill=cloth)  # shoulders
    draw.rectangle([cx - w * 0.07, h * 0.44, cx + w * 0.07, h * 0.66], fill=_shade(skin, 0.85))  # neck
    draw.polygon(
        [(cx - w * 0.2, h * 0.64), (cx, h * 0.78), (cx + w * 0.2, h * 0.64)], fill=_shade(skin, 0.9)
    )  # collar line
    draw.ellipse([cx - w * 0.16, h * 0.2, cx + w * 0.16, h * 0.52], fill=skin)  # face
    draw.chord([cx - w * 0.19, h * 0.15, cx + w * 0.19, h * 0.46], 180, 360, fill=hair)
    draw.ellipse([cx - w * 0.2, h * 0.2, cx - w * 0.1, h * 0.5], fill=hair)
    # Key light from the left: the shadow side falls off to the right.
    side = Image.linear_gradient("L").rotate(90, expand=True).resize(size).point(lambda v: int(v * 0.45))
    image = Image.composite(Image.new("RGB", size, (20, 18, 16)), image, side)
    return _finish(image, rng, softness=2.2, vignette=0.5, grain=6)


SCENES: dict[str, Callable[..., Image.Image]] = {
    "interiors": interior,
    "travel": landscape,
    "brand-marketing": still_life,
    "portrait": portrait,
}


def _counted(names: list[str]) -> str:
    """["a cream jar", "an ochre box"] as "a cream jar and an ochre box"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def describe(kind: str, seed: int, *, portrait_orientation: bool = False, subject: str = "a person") -> str:
    """Alt text for the photo `render_jpeg(kind, seed, ...)` paints: it replays the painter's
    first draws (the same `_…_choices` functions), so the words name the colours and things
    actually in the picture. `subject` names the person in a portrait."""
    rng = random.Random(seed)
    if kind == "interiors":
        wall, floor, accent = _interior_choices(rng)
        return (
            f"Living room with {_a(ACCENT_NAMES[accent])} sofa under a framed print, {_a(WALL_NAMES[wall])} "
            f"wall, {FLOOR_NAMES[floor]} floorboards, a low table on a rug, a tall window on the left, "
            "a floor lamp and a potted plant"
        )
    if kind == "travel":
        sky, _, _, water, city = _landscape_choices(rng)
        if city:
            text = f"A city skyline with lit windows in front of layered hills {SKY_NAMES[sky]}"
        else:
            text = f"Layers of hills {SKY_NAMES[sky]}, the sun above them"
        return text + (", reflected in still water" if water else "")
    if kind == "brand-marketing":
        backdrop, _, _, items, leaves = _still_life_choices(rng)
        products = _counted([_a(f"{PRODUCT_NAMES[color]} {item}") for color, _, _, item in items])
        text = f"Still life of {products} on a table against {_a(BACKDROP_NAMES[backdrop])} backdrop"
        return text + (", a sprig of leaves at the side" if leaves else "")
    if kind == "portrait":
        backdrop, _, cloth, hair = _portrait_choices(rng)
        return (
            f"Head-and-shoulders portrait of {subject} with {HAIR_NAMES[hair]} hair in {_a(CLOTH_NAMES[cloth])} top "
            f"against {_a(PORTRAIT_BACKDROP_NAMES[backdrop])} backdrop, lit from the left"
        )
    raise ValueError(f"no demo scene {kind!r}")


def render_jpeg(
    kind: str,
    seed: int,
    *,
    portrait_orientation: bool = False,
    size: tuple[int, int] | None = None,
    taken: datetime | None = None,
) -> bytes:
    """One demo photo as a camera would write it: a JPEG with EXIF (camera, lens, exposure, date).
    `size` paints an interior at another size than LANDSCAPE or PORTRAIT (the HERO); the other
    scenes are drawn in pixels of their usual size."""
    if size is not None and kind != "interiors":
        raise ValueError(f"the {kind!r} scene paints at its usual size only")
    rng = random.Random(seed)
    scene = SCENES[kind]
    if kind == "portrait":
        image = scene(rng)
    else:
        image = scene(rng, size or (PORTRAIT if portrait_orientation else LANDSCAPE))
    make, model, lens = rng.choice(CAMERAS)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = make, model
    details = exif.get_ifd(0x8769)
    details[0xA434] = lens
    details[0x829A] = rng.choice([1 / 60, 1 / 125, 1 / 250, 1 / 500, 0.5])
    details[0x829D] = rng.choice([2.8, 4.0, 5.6, 8.0, 11.0])
    details[0x8827] = rng.choice([100, 200, 400, 800])
    details[0x920A] = rng.choice([24.0, 35.0, 50.0, 85.0])
    when = taken or datetime(2025, 3, 1) + timedelta(days=rng.randint(0, 500), hours=rng.randint(6, 19))
    details[0x9003] = when.strftime("%Y:%m:%d %H:%M:%S")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()
