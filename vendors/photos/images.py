"""Product photos: validate an upload and turn it into clean, content-addressed display variants.

Pure functions over bytes (no Flask app, no storage): `process_image(data)` checks the file,
applies its EXIF orientation, converts it to sRGB and returns WebP and JPEG variants 1280, 640
and 320 px wide without any metadata (no EXIF, GPS, XMP, ICC profile or comment), each with the
storage key it should be saved under.

Variant widths: never upscaled. The largest variant is min(image width, 1280); the smaller
standard widths below it follow. A 900-px-wide photo gives 900, 640 and 320; a 300-px one gives
only 300.

Memory: the declared size is checked before anything is decoded (MAX_PIXELS, and Pillow's
bomb warning is an error), JPEGs decode already shrunk, and no full-size copy of a photo is ever
made in another mode: 16-bit greys and other wide modes are shrunk in their own mode and only
then narrowed to 8 bits; transparent and palette images are converted and shrunk a strip at a
time; the decoded photo is freed once the largest variant exists. The worst case, a 40-megapixel RGB or RGBA PNG (16-bit
ones decode to 8 bits per channel), peaks near 4 bytes x MAX_PIXELS (about 230 MB for the whole
process); a 40-megapixel 16-bit grey PNG about 155 MB; a 12-megapixel phone JPEG about 50 MB.
`bench/images.py` measures these.

Key layout: `img/<2 hex>/<32 hex>/<width>.<webp|jpg>` (and `original.<jpg|png>` when originals
are kept). The hash covers the uploaded bytes and PIPELINE_VERSION, so the same photo uploaded
twice gets the same keys (stored once), and a change of settings never collides with files
already served as immutable.
"""

import functools
import hashlib
import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pillow_heif
from flask_babel import lazy_gettext
from PIL import Image, ImageCms, UnidentifiedImageError

# Phones shoot HEIC; depth maps and thumbnails inside it are never needed, so never decoded.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
WIDTHS = (1280, 640, 320)
#: WebP's largest side in pixels.
MAX_SIDE = 16383
# Identified from content; TIFF, EPS, PDF, FITS, GIF and everything else are refused.
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
PIPELINE_VERSION = b"1"

# WebP method 1 instead of the default 4: a third of the encoding time (most of a photo's CPU)
# for files about 1-4% larger at the same quality. JPEG is the fallback for old browsers only,
# so it skips progressive scans, which double its encoding time for 2% smaller files.
WEBP_OPTIONS = {"quality": 80, "method": 1}
JPEG_OPTIONS = {"quality": 82, "optimize": True, "subsampling": "4:2:0"}
ORIGINAL_JPEG_OPTIONS = {"quality": 95, "subsampling": "4:4:4"}
CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}
# Image.transpose operations for EXIF orientations 2-8 (1 is upright).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageError(Exception):
    """An upload we refuse; `message` is for the person who sent it, `code` for logs and APIs."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


def image_error(code: str, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> ImageError:
    """The refusal for `code`; e.g. image_error("too_large") for a request over the size limit
    (HTTP 413), so that it reads like the same form error."""
    messages = {
        "unreadable": lazy_gettext(
            "This file is not a photo we can read. Please use JPEG, PNG, WebP or HEIC."
        ),
        "empty": lazy_gettext("The file is empty. Please choose a photo."),
        "too_large": lazy_gettext(
            "This photo is larger than %(mb)s MB. Please choose a smaller one.",
            mb=max_bytes // (1024 * 1024),
        ),
        "too_many_pixels": lazy_gettext(
            "This photo has more than %(mp)s megapixels. Please use a smaller photo.",
            mp=max_pixels // 1_000_000,
        ),
        "damaged": lazy_gettext(
            "This photo seems damaged or incomplete. Please try sending it again."
        ),
    }
    return ImageError(code, messages[code])


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str  # "webp", "jpg", or "png" for a kept PNG original
    data: bytes
    key: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


@dataclass(frozen=True)
class ProcessedImage:
    hash: str
    width: int  # of the largest variant, for the width/height attributes of <img>
    height: int
    variants: list[Variant] = field(default_factory=list)
    original: Variant | None = None

    @property
    def key_prefix(self) -> str:
        return key_prefix(self.hash)

    @property
    def widths(self) -> list[int]:
        return sorted({v.width for v in self.variants}, reverse=True)

    def files(self) -> list[Variant]:
        """Every file to store: the variants, and the original when it was kept."""
        return self.variants + ([self.original] if self.original else [])

    def save_to(self, storage) -> None:
        """Store every file in `storage` (anything with save(key, data, content_type))."""
        for f in self.files():
            storage.save(f.key, f.data, f.content_type)


def key_prefix(digest: str) -> str:
    return f"img/{digest[:2]}/{digest}"


def variant_key(digest: str, width: int, fmt: str) -> str:
    """The storage key of one variant, e.g. `img/3f/3f2a…/640.webp`."""
    return f"{key_prefix(digest)}/{width}.{fmt}"


def photo_hash(data: bytes) -> str:
    """The content address of an upload: lets a caller skip work for a photo already stored."""
    return hashlib.sha256(PIPELINE_VERSION + b"\0" + data).hexdigest()[:32]


def srcset(url_for_key, digest: str, widths, fmt: str = "webp") -> str:
    """`srcset` attribute value for the stored variants, e.g. `/media/…/1280.webp 1280w, …`."""
    return ", ".join(f"{url_for_key(variant_key(digest, w, fmt))} {w}w" for w in widths)


def variant_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """(width, height) of each display variant of an upright image, largest first.

    Never upscaled: the largest is min(width, 1280), then the standard widths below it. A photo
    taller than WebP allows (a long phone screenshot) is scaled down to fit, not refused.
    """
    largest = max(1, min(width, WIDTHS[0], width * MAX_SIDE // height))
    widths = [largest] + [w for w in WIDTHS if w < largest]
    return [(w, min(MAX_SIDE, max(1, round(height * w / width)))) for w in widths]


def process_image(
    data: bytes,
    *,
    keep_original: bool = False,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> ProcessedImage:
    """Validate an upload and return its clean variants; raise ImageError if it is refused.

    With keep_original, the full-size photo is returned too, upright, in sRGB and stripped.
    """
    img = _open(data, max_bytes, max_pixels)
    digest = photo_hash(data)
    with _damaged_is_an_error(), img:
        orientation = _orientation(img)
        original = _clean_original(img, orientation, digest) if keep_original else None
        variants = []
        for small in _render(img, orientation):
            for fmt, pil_format, options in _ENCODINGS:
                key = variant_key(digest, small.width, fmt)
                blob = _encode(small, pil_format, options)
                variants.append(Variant(small.width, small.height, fmt, blob, key))
    largest = variants[0]
    return ProcessedImage(digest, largest.width, largest.height, variants, original)


def render_variants(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> list[Image.Image]:
    """The display variants as upright sRGB images before encoding, largest first."""
    img = _open(data, max_bytes, max_pixels)
    with _damaged_is_an_error(), img:
        return render_image(img, _orientation(img))


def render_image(img: Image.Image, orientation: int = 1) -> list[Image.Image]:
    """The display variants of an opened image of any Pillow mode (16-bit, float, palette,
    alpha...) as upright 8-bit sRGB images, largest first; `img` is closed."""
    return list(_render(img, orientation))


_ENCODINGS = (("webp", "WEBP", WEBP_OPTIONS), ("jpg", "JPEG", JPEG_OPTIONS))


def _open(data: bytes, max_bytes: int, max_pixels: int) -> Image.Image:
    """Identify the format from the content and check the declared size, decoding nothing."""
    if not data:
        raise image_error("empty")
    if len(data) > max_bytes:
        raise image_error("too_large", max_bytes=max_bytes)
    with warnings.catch_warnings():
        # Pillow only warns on a possible decompression bomb below twice its limit.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise image_error("too_many_pixels", max_pixels=max_pixels) from exc
        except UnidentifiedImageError as exc:
            raise image_error("unreadable") from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise image_error("damaged") from exc
    if img.width * img.height > max_pixels:
        img.close()
        raise image_error("too_many_pixels", max_pixels=max_pixels)
    return img


@contextmanager
def _damaged_is_an_error():
    # Truncated data, a corrupt stream or a broken chunk only shows once the pixels are decoded.
    try:
        yield
    except Image.DecompressionBombError as exc:  # a frame larger than the header said
        raise image_error("too_many_pixels") from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise image_error("damaged") from exc


def _orientation(img: Image.Image) -> int:
    try:
        value = img.getexif().get(0x0112, 1)
    except (OSError, ValueError, SyntaxError, TypeError, KeyError, struct.error):
        return 1  # a broken EXIF block is dropped anyway; the pixels may still be fine
    return value if value in _TRANSPOSE else 1


def _turned(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """A size seen upright (or back in the file's own orientation): swapped for 5-8."""
    return (size[1], size[0]) if orientation >= 5 else size


def _render(img: Image.Image, orientation: int) -> Iterator[Image.Image]:
    """Yield each variant: the largest shrunk once from the decoded photo, each smaller one
    from the one before it. Closes `img` as soon as it is no longer needed, to free it."""
    sizes = variant_sizes(*_turned(img.size, orientation))
    target = _turned(sizes[0], orientation)
    box = None
    if img.format == "JPEG":
        # The decoder shrinks by 1/2, 1/4 or 1/8 while decoding: the biggest saving of all.
        drafted = img.draft("RGB", target)
        box = drafted[1] if drafted else None
    img.load()
    info = img.info
    # Shrink before turning and converting colours: both then touch far fewer pixels.
    current = _shrink(img, target, box)
    if current is not img:
        img.close()
    current = _to_srgb(_upright(current, orientation), info)
    for size in sizes:
        current = _resize(current, size)
        yield current


#: 16- and 32-bit greys and floats: Pillow resizes them as they are, so they are shrunk first
#: and only the small result is narrowed to 8 bits (a full-size conversion of a 40-megapixel
#: 16-bit grey PNG would take two 160 MB copies).
_WIDE = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
#: Modes resized as they are; every other one (alpha, palettes, 1-bit) is converted in strips.
_RESIZABLE = ("L", "RGB", "CMYK", *_WIDE)
#: 16-bit grey to 8-bit, rounded (65535 is white); through mode "I", which Pillow can map by
#: a table of 65536 entries (values outside 0-65535 are clipped).
_SIXTEEN_TO_EIGHT = [round(v * 255 / 65535) for v in range(65536)]


def _shrink(img: Image.Image, target: tuple[int, int], box=None) -> Image.Image:
    """The decoded photo at `target` size in an 8-bit mode (L, RGB or CMYK), without ever
    making a full-size copy of it in another mode.

    A reducing gap of 2 (a box filter first, down to between two and four times the target,
    then LANCZOS), as Pillow's thumbnail() does: very close to LANCZOS alone, and the box
    filter's copy of a 40-megapixel photo is a ninth of it, not a quarter."""
    factor = max(1, int(min(img.width / target[0], img.height / target[1]) / 2))
    if img.mode in _RESIZABLE and not _has_alpha(img):
        if img.mode.startswith("I;16") and factor > 1:
            # Pillow has no reduce() for these: its box filter, done by resize().
            size = (-(-img.width // factor), -(-img.height // factor))
            img, box = img.resize(size, Image.Resampling.BOX, box), None
        return _narrow(_resize(img, target, box, reducing_gap=2.0))
    reduced = _reduce_in_strips(img, factor)
    return _resize(reduced, target, (0, 0, img.width / factor, img.height / factor))


def _resize(img: Image.Image, size: tuple[int, int], box=None, reducing_gap=3.0) -> Image.Image:
    if img.size == size and box is None:
        return img
    # reducing_gap: first shrink by a whole factor with a fast box filter when the photo is at
    # least 3x the target; visually the same as LANCZOS alone, much faster. Pillow cannot
    # reduce() 16-bit greys.
    gap = None if img.mode.startswith("I;16") else reducing_gap
    return img.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=gap)


def _narrow(img: Image.Image) -> Image.Image:
    """A wide image in 8 bits (L); others as they are. Pillow's own conversion would clip
    every 16-bit grey above 255 to white."""
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        if img.mode == "F":
            return img.convert("L")  # Pillow's convention: floats on the 0-255 scale
        return img.convert("I").point(_SIXTEEN_TO_EIGHT, "L")
    return img


def _upright(img: Image.Image, orientation: int) -> Image.Image:
    return img.transpose(_TRANSPOSE[orientation]) if orientation in _TRANSPOSE else img


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info


def _reduce_in_strips(img: Image.Image, factor: int = 1) -> Image.Image:
    """The photo in 8-bit RGB, transparency onto white, shrunk `factor` times, a strip at a
    time: converted whole (or resized with alpha, which makes a premultiplied copy), a
    40-megapixel PNG would need a second full-size image."""
    width, height = img.size
    out = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    step = factor * max(1, 64 // factor)  # about 2 MB a strip of an 8000-pixel-wide photo
    for top in range(0, height, step):
        strip = _eight_bit_rgb(img.crop((0, top, width, min(top + step, height))))
        out.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    return out


def _eight_bit_rgb(strip: Image.Image) -> Image.Image:
    """A strip of any mode as 8-bit RGB, transparent parts on white."""
    if not _has_alpha(strip):
        return _narrow(strip).convert("RGB")
    if strip.mode.startswith("I") and "transparency" in strip.info:
        # A 16-bit grey with one transparent value: Pillow's RGBA conversion would clip it.
        as_int = strip.convert("I")
        mask = as_int.point(_clear_where(strip.info["transparency"]), "L")
        rgba = _narrow(as_int).convert("RGB")
        rgba.putalpha(mask)
    else:
        rgba = strip if strip.mode == "RGBA" else strip.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba)  # an RGBA mask is its alpha band
    return flat


@functools.cache
def _clear_where(value: int) -> list[int]:
    """The table that makes a 16-bit grey's alpha: transparent where it is `value`."""
    return [0 if v == value else 255 for v in range(65536)]


def _to_srgb(img: Image.Image, info: dict) -> Image.Image:
    """Colours through the embedded ICC profile to sRGB."""
    icc = info.get("icc_profile")
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(img, profile, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken or mismatched profile: the pixels as they are
    return img if img.mode == "RGB" else img.convert("RGB")


#: Said empty on every save: Pillow's writers fall back to the image's `info` for some of them
#: (a JPEG comment, a PNG's ICC profile), and resize and convert carry `info` along, so a source's
#: comment, or a PNG text chunk named "comment", would reach the served JPEG.
_NO_METADATA = {"comment": b"", "icc_profile": None, "exif": b"", "xmp": b""}


def _encode(img: Image.Image, fmt: str, options: dict) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options, **_NO_METADATA)
    return out.getvalue()


def _clean_original(img: Image.Image, orientation: int, digest: str) -> Variant:
    """The full-size photo, upright, in sRGB and without metadata (a PNG stays lossless)."""
    img.load()
    if img.mode in ("L", "RGB", "CMYK") and not _has_alpha(img):
        eight_bit = img
    else:
        eight_bit = _reduce_in_strips(img)
    clean = _to_srgb(_upright(eight_bit, orientation), img.info)
    fmt, options = ("png", {}) if img.format == "PNG" else ("jpg", ORIGINAL_JPEG_OPTIONS)
    data = _encode(clean, "PNG" if fmt == "png" else "JPEG", options)
    key = f"{key_prefix(digest)}/original.{fmt}"
    return Variant(clean.width, clean.height, fmt, data, key)
