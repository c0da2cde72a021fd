"""Speed, memory and quality of the image variant pipeline (issue 4) against plain Pillow.

    .venv/bin/python bench/variants.py [IMAGE] [--runs 3]

Without IMAGE it paints an 18-megapixel JPEG (5184 x 3456, the demo painter plus sensor-like
grain) so the run needs nothing from outside. Each side runs in its own fresh process, so the
peak memory (ru_maxrss) is that side's alone, `--runs` rounds, the sides interleaved within
each round; the best wall time counts. The rights step is also timed on its own.

  pipeline  sgoodie.images.make_variants: reduced JPEG decode, each width from the next larger
            one, encodes in parallel threads, with the rights metadata step (the original's
            EXIF/IPTC/XMP read with Exiv2, the site's five default rights written as XMP and
            EXIF Artist/Copyright into every file)
  baseline  single-threaded Pillow: open, exif_transpose, resize from the original with LANCZOS
            for every width, save every format (same widths, formats and encoder settings)

Quality: every variant of both sides is decoded and compared (PSNR, in dB, on RGB) with a
reference: the original resized straight to that width with LANCZOS, not encoded. File sizes per
format are summed. Targets (18 MP JPEG, this 2-core machine): pipeline wall time <= 0.5x the
baseline, peak memory <= 400 MB, PSNR within 0.5 dB of the baseline's.
"""

from __future__ import annotations

import sys

# bench/http.py is named like the standard library's `http`; keep this folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import io
import json
import math
import os
import random
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageOps, ImageStat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sgoodie.domain import SiteSettings
from sgoodie.image_formats import OUTPUTS
from sgoodie.images.pipeline import FORMATS, RenderSettings, make_variants, target_widths

# Every rights field set: the most metadata the pipeline writes.
SITE = SiteSettings(
    rights_creator="S. Goodie",
    rights_copyright="© {year} S.Goodie Photography. All rights reserved.",
    rights_credit="Photo: S.Goodie Photography",
    rights_license_url="https://sgoodie.example/licensing/terms",
    rights_acquire_url="https://sgoodie.example/licensing",
)


def paint_test_photo(path: Path, size=(5184, 3456)) -> None:
    from sgoodie.demo.artwork import landscape

    rng = random.Random(18)
    image = landscape(rng, size=size)
    grain = Image.effect_noise(size, 12).convert("RGB")  # detail the encoders must work for
    image = ImageChops.add(image, grain, scale=1.0, offset=-110)
    image.save(path, "JPEG", quality=92)


# -- the two sides, each run in a child process ---------------------------------------------------
def run_pipeline(data: bytes) -> dict[str, bytes]:
    result = make_variants(data, RenderSettings.for_site(SITE))
    assert all(b"S.Goodie Photography" in v.data for v in result.variants)  # the rights are in every file
    return {f"{v.width}.{v.format}": v.data for v in result.variants}


def run_baseline(data: bytes) -> dict[str, bytes]:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image = image.convert("RGB")
    out = {}
    for width in target_widths(image.width):
        resized = image.resize(
            (width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS
        )
        for fmt in FORMATS:
            buffer = io.BytesIO()
            resized.save(buffer, fmt.upper(), **OUTPUTS[fmt].encoder)
            out[f"{width}.{fmt}"] = buffer.getvalue()
    return out


def rights_step_ms(data: bytes, rounds: int = 20) -> float:
    """The metadata step alone: the original's EXIF/IPTC/XMP read with Exiv2, then the XMP packet
    and the EXIF block made (the encoders embed them as they write)."""
    from sgoodie.images.rights import exif_block, read_rights, xmp_packet

    settings = RenderSettings.for_site(SITE)
    started = time.perf_counter()
    for _ in range(rounds):
        rights = settings.rights_for(read_rights(data))
        xmp_packet(rights), exif_block(rights)
    return (time.perf_counter() - started) / rounds * 1000


def peak_rss_mb() -> float:
    """This process's own high-water mark (VmHWM starts afresh at exec, unlike ru_maxrss, which
    a child inherits from the parent that forked it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(side: str, image: Path, out_dir: Path) -> None:
    data = image.read_bytes()
    started = time.perf_counter()
    variants = (run_pipeline if side == "pipeline" else run_baseline)(data)
    seconds = time.perf_counter() - started
    for name, blob in variants.items():
        (out_dir / name).write_bytes(blob)
    peak_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def measure(side: str, image: Path, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, __file__, "--child", side, str(image), "--out", str(out_dir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- quality --------------------------------------------------------------------------------------
def psnr(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    mse = sum(value * value for value in ImageStat.Stat(diff).rms) / 3
    return float("inf") if mse == 0 else 10 * math.log10(255 * 255 / mse)


def quality(image: Path, outputs: dict[str, Path]) -> dict[str, dict]:
    original = ImageOps.exif_transpose(Image.open(image)).convert("RGB")
    report: dict[str, dict] = {side: {"psnr": {}, "bytes": {fmt: 0 for fmt in FORMATS}} for side in outputs}
    for width in target_widths(original.width):
        reference = original.resize(
            (width, max(1, round(original.height * width / original.width))), Image.Resampling.LANCZOS
        )
        for fmt in FORMATS:
            for side, folder in outputs.items():
                path = folder / f"{width}.{fmt}"
                with Image.open(path) as rendered:
                    report[side]["psnr"][f"{width}.{fmt}"] = psnr(rendered, reference)
                report[side]["bytes"][fmt] += path.stat().st_size
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("image", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["pipeline", "baseline"])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.image, args.out)
        return

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        image = args.image
        if image is None:
            image = tmp_path / "painted-18mp.jpg"
            paint_test_photo(image)
        with Image.open(image) as probe:
            size = probe.size
        print(
            f"Image: {image.name}, {size[0]} x {size[1]} ({size[0] * size[1] / 1e6:.1f} MP), {image.stat().st_size / 1e6:.1f} MB; "
            f"{os.cpu_count()} CPUs, {args.runs} runs each"
        )
        results = {}
        # Interleaved (baseline, pipeline, baseline, …): a machine busy with something else slows
        # both sides alike instead of whichever ran during the busy spell.
        rounds = {side: [] for side in ("baseline", "pipeline")}
        for _ in range(args.runs):
            for side in rounds:
                rounds[side].append(measure(side, image, tmp_path / side))
        for side, runs in rounds.items():
            results[side] = {
                "seconds": min(r["seconds"] for r in runs),
                "peak_mb": max(r["peak_mb"] for r in runs),
                "all": [round(r["seconds"], 2) for r in runs],
            }
            print(
                f"  {side:9} best {results[side]['seconds']:.2f} s (runs {results[side]['all']}), peak memory {results[side]['peak_mb']:.0f} MB"
            )
        ratio = results["pipeline"]["seconds"] / results["baseline"]["seconds"]
        print(
            f"  pipeline / baseline wall time: {ratio:.2f}x (target <= 0.5x)  "
            f"pipeline peak {results['pipeline']['peak_mb']:.0f} MB (target <= 400 MB)"
        )

        print(f"  rights step inside the pipeline: {rights_step_ms(image.read_bytes()):.1f} ms per photo")

        report = quality(image, {side: tmp_path / side for side in ("baseline", "pipeline")})
        print("\nPSNR against an unencoded LANCZOS resize of the original (dB, higher is closer):")
        print(f"  {'variant':12} {'baseline':>9} {'pipeline':>9} {'diff':>6}")
        worst = 0.0
        for name in report["pipeline"]["psnr"]:
            base, ours = report["baseline"]["psnr"][name], report["pipeline"]["psnr"][name]
            worst = min(worst, ours - base)
            print(f"  {name:12} {base:9.2f} {ours:9.2f} {ours - base:+6.2f}")
        print(f"  worst difference: {worst:+.2f} dB (target: no worse than -0.5 dB)")
        print("\nBytes per format, all widths:")
        for fmt in FORMATS:
            base, ours = report["baseline"]["bytes"][fmt], report["pipeline"]["bytes"][fmt]
            print(
                f"  {fmt:5} baseline {base / 1e6:6.2f} MB  pipeline {ours / 1e6:6.2f} MB  ({ours / base:.2f}x)"
            )


if __name__ == "__main__":
    main()
