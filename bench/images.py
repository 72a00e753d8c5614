"""Benchmark the product-photo pipeline against a naive Pillow pipeline and libvips.

Makes its own 12-megapixel JPEG photos (landscape, and portrait stored sideways with EXIF
orientation 6, with detail and sensor-like grain so the files are 3-5 MB like a phone's) in a
temporary folder, removed after. Each pipeline runs in its own process over the same photos,
with the same output sizes and encoder settings:

- ours: vendors.photos.images.process_image (JPEG draft decoding, reducing resizes, each variant
  derived from the one above it);
- naive: open, full decode, exif_transpose, LANCZOS from full resolution for every variant;
- libvips: pyvips thumbnail (shrink-on-load, auto-rotate) at the largest width, smaller
  variants resized from it.

Prints ms per photo, the peak memory of our process, the speed-up over naive, the ratio to
libvips and the worst PSNR of our variants against the naive ones (compared as pixels before
encoding: the encoders are the same on both sides, and two lossy encodes of near-identical
pixels differ by encoder noise alone, about 37 dB).

Then the memory of the worst accepted uploads: sources at the pixel limit (MAX_PIXELS) in the
modes that cost most once decoded (16-bit grey, 16-bit RGB and RGBA, 16-bit grey with alpha,
8-bit RGBA, a palette with transparency, CMYK), each processed in a fresh process whose peak
resident memory (VmHWM) is read; Pillow allocates pixels outside tracemalloc, so resident memory
is what counts. A 40-megapixel 8-bit JPEG is the baseline of the same run (each peak is also
given as a ratio to it), and each source is processed by the pipeline of this tree ("after")
and by the one at git revision --before ("before", skipped where git or the revision is
missing). Usage:
    python bench/images.py [--quick] [--photos N] [--webp-method 0-6] [--memory-only]
        [--before REV]
"""

import argparse
import importlib
import io
import json
import math
import random
import resource
import struct
import subprocess
import sys
import tempfile
import time
import types
import zlib
from array import array
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
images = importlib.import_module("vendors.photos.images")

ROUNDS = 2
#: The pipeline before wide modes were shrunk first: two full-size conversions of a 16-bit grey.
BEFORE = "b29bda2"
#: What a worst accepted upload may peak at, in MB.
MEMORY_TARGET_MB = 250
FORMATS = (("webp", "WEBP", images.WEBP_OPTIONS), ("jpg", "JPEG", images.JPEG_OPTIONS))


def make_photo(seed: int, portrait: bool) -> bytes:
    """A 4000x3000 camera-like JPEG; a portrait is stored sideways with EXIF orientation 6."""
    rnd = random.Random(seed)
    size = w, h = 4000, 3000
    layers = [
        Image.effect_noise((w // 100, h // 100), 50).resize(size, Image.Resampling.BICUBIC)
        for _ in range(3)
    ]
    img = Image.merge("RGB", layers)
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y, r = rnd.randrange(w), rnd.randrange(h), rnd.randrange(40, 600)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        shape = draw.ellipse if rnd.random() < 0.5 else draw.rectangle
        shape((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    texture = Image.effect_noise((w // 4, h // 4), 22).resize(size, Image.Resampling.BICUBIC)
    grain = ImageChops.add(texture, Image.effect_noise(size, 9), scale=2.0, offset=-64)
    img = ImageChops.add(img, Image.merge("RGB", [grain] * 3), offset=-128)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Phone 12"
    exif[0x0112] = 6 if portrait else 1
    exif[0x8825] = {1: "N", 2: (14.0, 5.0, 0.0), 3: "W", 4: (87.0, 12.0, 0.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def _png(width: int, height: int, colour_type: int, depth: int, rows, extra=()) -> bytes:
    """A PNG written row by row (Pillow cannot write 16-bit colour), never whole in memory:
    `rows(y)` gives the samples of row y, as bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    packer, idat, previous = zlib.compressobj(6), [], None
    for y in range(height):
        row = rows(y)
        # Filter "up" for a row like the one above: all zeros, compressed to almost nothing.
        idat.append(packer.compress(b"\2" + bytes(len(row)) if row == previous else b"\0" + row))
        previous = row
    idat.append(packer.flush())
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in ((b"IHDR", ihdr), *extra, (b"IDAT", b"".join(idat)), (b"IEND", b"")):
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return out


def _banded(width: int, height: int, channels, bands: int = 64):
    """`rows` for _png: `bands` horizontal bands, each row a gradient per channel; `channels`
    gives, for a band from 0 to 1, one function per channel of x from 0 to 1 to 0-65535."""
    cache = {}

    def row(y: int) -> bytes:
        band = y * bands // height
        if band not in cache:
            t = band / (bands - 1)
            samples = array("H")
            for x in range(width):
                u = x / (width - 1)
                samples.extend(round(channel(u, t)) for channel in channels)
            if sys.byteorder == "little":
                samples.byteswap()
            cache[band] = samples.tobytes()
        return cache[band]

    return row


def _eight_bit(rows):
    """The same rows with 8-bit samples (the high byte of each 16-bit one)."""
    return lambda y: rows(y)[::2]


def memory_sources(quick: bool) -> dict[str, bytes]:
    """The worst accepted uploads: MAX_PIXELS pixels each, shaped like a photo (8:5)."""
    width = 8000
    height = images.MAX_PIXELS // width
    grey = (lambda u, t: 65535 * u,)
    colour = (lambda u, t: 65535 * u, lambda u, t: 65535 * t, lambda u, t: 65535 * (1 - u))
    alpha = (lambda u, t: 65535 * (0.5 + 0.5 * t),)
    sources = {
        "jpeg-8bit": _jpeg(width, height, "RGB"),
        "png-grey-16bit": _png(width, height, 0, 16, _banded(width, height, grey)),
        "png-rgb-16bit": _png(width, height, 2, 16, _banded(width, height, colour)),
        "png-rgba-16bit": _png(width, height, 6, 16, _banded(width, height, colour + alpha)),
    }
    if quick:
        return sources
    palette = bytes(v for i in range(256) for v in (i, 255 - i, 128))
    trns = bytes(0 if i < 16 else 255 for i in range(256))
    sources |= {
        "png-grey-alpha-16bit": _png(width, height, 4, 16, _banded(width, height, grey + alpha)),
        "png-rgba-8bit": _png(
            width, height, 6, 8, _eight_bit(_banded(width, height, colour + alpha))
        ),
        "png-palette-transparent": _png(
            width,
            height,
            3,
            8,
            _eight_bit(_banded(width, height, grey)),
            extra=((b"PLTE", palette), (b"tRNS", trns)),
        ),
        "jpeg-cmyk": _jpeg(width, height, "CMYK"),
    }
    return sources


def _jpeg(width: int, height: int, mode: str) -> bytes:
    """A smooth photo-like JPEG of that size (a few MB, under the upload limit)."""
    layers = [
        Image.effect_noise((width // 200, height // 200), 60).resize(
            (width, height), Image.Resampling.BICUBIC
        )
        for _ in range(len(mode))
    ]
    out = io.BytesIO()
    Image.merge(mode, layers).save(out, "JPEG", quality=90)
    return out.getvalue()


def pipeline_module(revision: str | None):
    """vendors.photos.images of this tree, or as it was at a git revision (None if missing)."""
    if revision is None:
        return images
    done = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:vendors/photos/images.py"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return None
    module = types.ModuleType(f"images_{revision}")
    exec(compile(done.stdout, f"{revision}:vendors/photos/images.py", "exec"), module.__dict__)
    return module


def memory_worker(revision: str, source: Path) -> None:
    """Process one source in this fresh process; print its peak resident memory as JSON."""
    module = pipeline_module(None if revision == "-" else revision)
    data = source.read_bytes()
    idle = peak_rss_mb()
    result = module.process_image(data)
    print(json.dumps({"peak_rss_mb": peak_rss_mb(), "idle_rss_mb": idle, "widths": result.widths}))


def run_memory_worker(revision: str, source: Path) -> dict:
    cmd = [sys.executable, __file__, "--memory-worker", revision, str(source)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_memory(folder: Path, quick: bool, before: str) -> dict:
    """Peak resident memory per worst-case source, before and after, and ÷ the JPEG's."""
    sources = memory_sources(quick)
    has_before = pipeline_module(before) is not None
    print(
        f"memory: sources of {images.MAX_PIXELS / 1e6:.0f} MP, peak resident MB of a fresh "
        f"process each (before = {before if has_before else 'unavailable'})"
    )
    results = {}
    for name, data in sources.items():
        path = folder / f"memory-{name}"
        path.write_bytes(data)
        after = run_memory_worker("-", path)
        figures = {"file_kb": round(len(data) / 1024), "after_mb": round(after["peak_rss_mb"], 1)}
        if has_before:
            figures["before_mb"] = round(run_memory_worker(before, path)["peak_rss_mb"], 1)
        results[name] = figures
        path.unlink()
    baseline = results["jpeg-8bit"]["after_mb"]
    print(f"{'source':>24} {'file':>9} {'before':>9} {'after':>9} {'after / JPEG':>13}")
    for name, figures in results.items():
        figures["ratio"] = round(figures["after_mb"] / baseline, 2)
        before_mb = f"{figures['before_mb']:.0f} MB" if "before_mb" in figures else "-"
        print(
            f"{name:>24} {figures['file_kb']:>6} KB {before_mb:>9} "
            f"{figures['after_mb']:>6.0f} MB {figures['ratio']:>12.2f}x"
        )
    return results


def run_ours(data: bytes) -> dict[str, bytes]:
    result = images.process_image(data)
    return {f"{v.width}.{v.format}": v.data for v in result.variants}


def run_naive(data: bytes) -> dict[str, bytes]:
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(data)).convert("RGB"))
    out = {}
    for size in images.variant_sizes(*img.size):
        small = img.resize(size, Image.Resampling.LANCZOS)
        for ext, fmt, options in FORMATS:
            buf = io.BytesIO()
            small.save(buf, fmt, **options)
            out[f"{size[0]}.{ext}"] = buf.getvalue()
    return out


def run_vips(data: bytes) -> dict[str, bytes]:
    import pyvips

    # The upright size from the header alone, as vips itself reads it (nothing decoded here).
    header = pyvips.Image.new_from_buffer(data, "")
    w, h = header.width, header.height
    if header.get_typeof("orientation") and header.get("orientation") >= 5:
        w, h = h, w
    sizes = images.variant_sizes(w, h)
    w, h = sizes[0]
    # Same output sizes as the others; thumbnail auto-rotates and shrinks on load.
    img = pyvips.Image.thumbnail_buffer(data, w, height=h, size="force").copy_memory()
    out = {}
    for size in sizes:
        if img.width != size[0]:
            scale = size[0] / img.width
            img = img.resize(scale, vscale=size[1] / img.height).copy_memory()
        webp, jpeg = images.WEBP_OPTIONS, images.JPEG_OPTIONS
        out[f"{size[0]}.webp"] = img.webpsave_buffer(
            Q=webp["quality"], effort=webp["method"], keep="none"
        )
        out[f"{size[0]}.jpg"] = img.jpegsave_buffer(
            Q=jpeg["quality"],
            optimize_coding=jpeg["optimize"],
            interlace=jpeg.get("progressive", False),
            subsample_mode="on",
            keep="none",
        )
    return out


PIPELINES = {"ours": run_ours, "naive": run_naive, "vips": run_vips}


def worker(pipeline: str, folder: Path) -> None:
    """Run one pipeline over every photo in `folder`; print timings and peak memory as JSON."""
    run = PIPELINES[pipeline]
    if pipeline == "vips":
        import pyvips

        pyvips.cache_set_max(0)  # each photo really decoded, as in a web worker
    wall, cpu = [], []
    for photo in sorted(folder.glob("photo-*.jpg")):
        data = photo.read_bytes()
        start, start_cpu = time.perf_counter(), time.process_time()
        outputs = run(data)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        out_dir = folder / pipeline / photo.stem
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, blob in outputs.items():
            (out_dir / name).write_bytes(blob)
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_rss_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's high-water resident memory (VmHWM; ru_maxrss would include the parent's
    memory at fork time)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(pipeline: str, folder: Path, webp_method: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", pipeline, str(folder)]
    cmd += ["--webp-method", str(webp_method)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def psnr(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    mse = sum(ImageStat.Stat(diff).sum2) / (a.width * a.height * 3)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def naive_pixels(data: bytes) -> list[Image.Image]:
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(data)).convert("RGB"))
    return [img.resize(size, Image.Resampling.LANCZOS) for size in images.variant_sizes(*img.size)]


def min_pixel_psnr(folder: Path) -> float:
    """Worst PSNR of our variants against the naive ones, compared before encoding: what our
    shortcuts (draft decoding, reducing resizes, chained variants) cost, the encoders being the
    same on both sides."""
    worst = math.inf
    for photo in sorted(folder.glob("photo-*.jpg")):
        data = photo.read_bytes()
        for ours, naive in zip(images.render_variants(data), naive_pixels(data), strict=True):
            assert ours.size == naive.size, (photo, ours.size, naive.size)
            worst = min(worst, psnr(ours, naive))
    return worst


def min_file_psnr(folder: Path, pipeline: str) -> float:
    """Worst PSNR of a pipeline's stored files against the naive files: mostly encoder noise
    (two lossy encodes of near-identical pixels), shown for reference."""
    worst = math.inf
    for ours in sorted((folder / pipeline).glob("*/*")):
        naive = folder / "naive" / ours.parent.name / ours.name
        with Image.open(ours) as a, Image.open(naive) as b:
            worst = min(worst, psnr(a, b))
    return worst


def _best(runs: list[dict]) -> dict:
    def per_photo(kind: str) -> float:
        best = [min(times) for times in zip(*(run[kind] for run in runs), strict=True)]
        return sum(best) / len(best)

    peak = max(run["peak_rss_mb"] for run in runs)
    return {"ms": per_photo("wall"), "cpu_ms": per_photo("cpu"), "peak_rss_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 photos instead of 10")
    parser.add_argument("--photos", type=int)
    parser.add_argument(
        "--webp-method",
        type=int,
        default=images.WEBP_OPTIONS["method"],
        help="WebP effort 0-6 for all three pipelines (default: the pipeline's own)",
    )
    parser.add_argument(
        "--memory-only", action="store_true", help="only the worst-case memory figures"
    )
    parser.add_argument(
        "--before", default=BEFORE, help=f"git revision to compare memory with (default {BEFORE})"
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--memory-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    images.WEBP_OPTIONS["method"] = args.webp_method
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    if args.memory_worker:
        memory_worker(args.memory_worker[0], Path(args.memory_worker[1]))
        return
    if args.memory_only:
        with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
            memory = measure_memory(Path(tmp), args.quick, args.before)
        print(json.dumps({"bench": "images", **memory_summary(memory)}))
        return
    count = args.photos or (4 if args.quick else 10)
    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        folder = Path(tmp)
        total = 0
        for i in range(count):
            data = make_photo(i, portrait=i % 2 == 1)
            total += len(data)
            (folder / f"photo-{i:02d}.jpg").write_bytes(data)
        print(f"{count} photos of 12 MP, {total / count / 1e6:.1f} MB on average")
        # Rounds in turn, keeping each photo's best time: the machine is shared, and a
        # neighbour's burst should not land on one pipeline only.
        rounds = {name: [] for name in PIPELINES}
        for _ in range(ROUNDS):
            for name in PIPELINES:
                rounds[name].append(run_worker(name, folder, args.webp_method))
        results = {name: _best(runs) for name, runs in rounds.items()}
        for name, figures in results.items():
            print(
                f"{name:>6}: {figures['ms']:7.1f} ms/photo ({figures['cpu_ms']:.1f} ms of CPU), "
                f"peak {figures['peak_rss_mb']:.0f} MB"
            )
        worst = min_pixel_psnr(folder)
        print(
            f"worst PSNR vs naive: pixels before encoding {worst:.1f} dB; stored files "
            f"{min_file_psnr(folder, 'ours'):.1f} dB (libvips files: "
            f"{min_file_psnr(folder, 'vips'):.1f} dB)"
        )
        memory = measure_memory(folder, args.quick, args.before)
    ours, naive, vips = (
        results["ours"]["ms"],
        results["naive"]["ms"],
        results["vips"]["ms"],
    )
    summary = {
        "bench": "images",
        "photos": count,
        "ms_per_photo": round(ours, 1),
        "baseline_ms_per_photo": round(naive, 1),
        "speedup": round(naive / ours, 2),
        "vips_ms_per_photo": round(vips, 1),
        "vips_ratio": round(ours / vips, 2),
        "min_psnr_db": round(worst, 1),
        "peak_rss_mb": round(results["ours"]["peak_rss_mb"], 1),
        # CPU time too: steadier than wall time on a shared machine, and what a server pays.
        "cpu_ms_per_photo": round(results["ours"]["cpu_ms"], 1),
        "baseline_cpu_ms_per_photo": round(results["naive"]["cpu_ms"], 1),
        "vips_cpu_ms_per_photo": round(results["vips"]["cpu_ms"], 1),
        **memory_summary(memory),
    }
    print(
        f"speed-up over naive {summary['speedup']}x, ours/libvips {summary['vips_ratio']}, "
        f"worst PSNR {summary['min_psnr_db']} dB, peak {summary['peak_rss_mb']} MB "
        "(targets: >= 2x, <= 1.2, >= 45 dB, < 250 MB)"
    )
    print(json.dumps(summary))


def memory_summary(memory: dict) -> dict:
    """The worst source's peak, its ratio to the JPEG's, and every source's figures."""
    worst = max(memory, key=lambda name: memory[name]["after_mb"])
    summary = {
        "worst_source": worst,
        "worst_peak_rss_mb": memory[worst]["after_mb"],
        "worst_peak_ratio": memory[worst]["ratio"],
        "memory": memory,
    }
    print(
        f"worst accepted upload: {worst}, peak {summary['worst_peak_rss_mb']} MB, "
        f"{summary['worst_peak_ratio']}x the 8-bit JPEG's (target: < {MEMORY_TARGET_MB} MB)"
    )
    return summary


if __name__ == "__main__":
    main()
