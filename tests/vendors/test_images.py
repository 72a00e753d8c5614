"""The photo pipeline: what an entrepreneur's upload becomes, and what is refused."""

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from flask_babel import force_locale
from PIL import Image

from tests import images_factory as factory
from vendors.photos import images
from vendors.photos.images import ImageError, process_image

NOT_A_PHOTO = "This file is not a photo we can read. Please use JPEG, PNG, WebP or HEIC."
TOO_MANY_PIXELS = "This photo has more than 40 megapixels. Please use a smaller photo."
DAMAGED = "This photo seems damaged or incomplete. Please try sending it again."
ROOT = Path(__file__).resolve().parents[2]


def _tiff() -> bytes:
    return factory.encode(factory.upright_photo(), "TIFF")


def _pdf() -> bytes:
    return factory.encode(factory.upright_photo(), "PDF")


def _gif() -> bytes:
    return factory.encode(factory.upright_photo(), "GIF")


def _truncated_jpeg() -> bytes:
    whole = factory.encode(factory.upright_photo((800, 600)), "JPEG", quality=90)
    return whole[: len(whole) // 2]


SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
<script>fetch('/account/delete', {method: 'POST'})</script><rect width="10" height="10"/></svg>"""


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda: b"Lista de precios: queso, 80 lempiras\n", "unreadable", NOT_A_PHOTO),
        (lambda: SVG, "unreadable", NOT_A_PHOTO),
        (_gif, "unreadable", NOT_A_PHOTO),
        (_tiff, "unreadable", NOT_A_PHOTO),
        (_pdf, "unreadable", NOT_A_PHOTO),
        (
            lambda: factory.png_header_only(100_000, 100_000),
            "too_many_pixels",
            TOO_MANY_PIXELS,
        ),
        # Between Pillow's own bomb limit and twice it, Pillow only warns: still refused.
        (
            lambda: factory.png_header_only(10_000, 10_000),
            "too_many_pixels",
            TOO_MANY_PIXELS,
        ),
        (lambda: factory.png_of_zeros(9000, 9000), "too_many_pixels", TOO_MANY_PIXELS),
        (_truncated_jpeg, "damaged", DAMAGED),
        (lambda: b"", "empty", "The file is empty. Please choose a photo."),
        (
            lambda: b"\xff\xd8\xff" + bytes(30 * 1024 * 1024),
            "too_large",
            "This photo is larger than 15 MB. Please choose a smaller one.",
        ),
    ],
    ids=[
        "text-renamed-jpg",
        "svg-with-script",
        "gif",
        "tiff-renamed-jpg",
        "pdf-renamed-jpg",
        "png-declaring-100000x100000",
        "png-between-pillow-warning-and-error",
        "png-9000x9000-rgba",
        "truncated-jpeg",
        "zero-bytes",
        "30-mb",
    ],
)
def test_refused_uploads_get_one_clear_message(make, code, message):
    with pytest.raises(ImageError) as refused:
        process_image(make())
    assert refused.value.code == code
    with force_locale("en"):
        assert str(refused.value.message) == message


def test_the_small_png_bomb_really_is_small():
    # 324 MB of pixels in a file of a few hundred kilobytes: refused before decoding.
    assert len(factory.png_of_zeros(9000, 9000)) < 400_000


def _stored_files(result):
    return [(v, Image.open(io.BytesIO(v.data))) for v in result.files()]


def test_phone_photo_loses_every_metadata_block_and_stands_upright():
    result = process_image(factory.phone_jpeg(), keep_original=True)

    assert (result.width, result.height) == (
        400,
        600,
    )  # stored 600x400, EXIF says turn it
    assert [(v.width, v.height, v.format) for v in result.variants] == [
        (400, 600, "webp"),
        (400, 600, "jpg"),
        (320, 480, "webp"),
        (320, 480, "jpg"),
    ]
    for variant, img in _stored_files(result):
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(img.info), variant.key
        assert not img.getexif()
        for marker in (
            b"GPS",
            b"Exif",
            b"xmp",
            b"XMP",
            b"ICC_PROFILE",
            b"ICCP",
            b"Calle 5",
        ):
            assert marker not in variant.data, (variant.key, marker)
        # Upright: the red block is in the top-left corner, not in any other.
        w, h = img.size
        rgb = img.convert("RGB")
        assert _is_red(rgb.getpixel((3, 3))), variant.key
        for corner in ((w - 4, 3), (3, h - 4), (w - 4, h - 4)):
            assert not _is_red(rgb.getpixel(corner)), (
                variant.key,
                corner,
            )


def test_colours_are_converted_to_srgb_through_the_embedded_profile():
    result = process_image(factory.phone_jpeg())
    img = Image.open(io.BytesIO(result.variants[0].data)).convert("RGB")
    # LEAF in Adobe RGB is about (0, 161, 47) in sRGB; unconverted it would stay (60, 160, 60).
    assert _close(img.getpixel((300, 500)), (0, 161, 47), 8)


def test_kept_original_is_full_size_upright_and_stripped():
    result = process_image(factory.phone_jpeg(), keep_original=True)
    original = result.original
    assert (original.width, original.height, original.format) == (400, 600, "jpg")
    assert original.key == f"{result.key_prefix}/original.jpg"
    assert b"GPS" not in original.data and b"Calle 5" not in original.data
    assert process_image(factory.phone_jpeg()).original is None


def test_heic_from_an_iphone_is_processed():
    data = factory.encode(
        factory.upright_photo((1600, 1200)),
        "HEIF",
        quality=90,
        exif=factory.gps_exif().tobytes(),
    )
    result = process_image(data)
    assert [(v.width, v.height) for v in result.variants[::2]] == [
        (1280, 960),
        (640, 480),
        (320, 240),
    ]
    for variant, img in _stored_files(result):
        assert img.format in ("WEBP", "JPEG")
        assert b"GPS" not in variant.data and "exif" not in img.info
        assert _is_red(img.convert("RGB").getpixel((5, 5)))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_transparency_goes_on_white(fmt):
    img = Image.new("RGBA", (700, 500), (0, 0, 0, 0))
    img.paste((*factory.RED, 255), (0, 0, 100, 100))
    result = process_image(factory.encode(img, fmt))
    largest = Image.open(io.BytesIO(result.variants[0].data)).convert("RGB")
    assert largest.size == (700, 500)
    assert _close(largest.getpixel((650, 450)), (255, 255, 255), 8)
    assert _is_red(largest.getpixel((20, 20)))


def test_a_wide_transparent_png_is_flattened_while_shrinking():
    img = Image.new("LA", (5200, 1000), (0, 0))
    img.paste((40, 255), (0, 0, 1040, 200))
    result = process_image(factory.encode(img, "PNG"))
    largest = Image.open(io.BytesIO(result.variants[0].data)).convert("RGB")
    assert largest.size == (1280, 246)
    assert _close(largest.getpixel((10, 10)), (40, 40, 40), 6)
    assert _close(largest.getpixel((1200, 200)), (255, 255, 255), 6)


def test_sixteen_bit_grey_png_keeps_its_tones():
    img = Image.new("I;16", (300, 200), 32768)
    largest = Image.open(io.BytesIO(process_image(factory.encode(img, "PNG")).variants[0].data))
    assert _close(largest.convert("RGB").getpixel((150, 100)), (128, 128, 128), 4)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((4000, 3000), [(1280, 960), (640, 480), (320, 240)]),
        ((900, 1200), [(900, 1200), (640, 853), (320, 427)]),
        ((640, 640), [(640, 640), (320, 320)]),
        ((300, 100), [(300, 100)]),
    ],
)
def test_variants_are_never_upscaled(size, expected):
    assert images.variant_sizes(*size) == expected


def test_large_jpeg_variants_have_the_standard_widths():
    data = factory.encode(factory.upright_photo((3000, 2000)), "JPEG", quality=90)
    result = process_image(data)
    assert result.widths == [1280, 640, 320]
    assert (result.width, result.height) == (1280, 853)
    assert {v.content_type for v in result.variants} == {"image/webp", "image/jpeg"}


def test_same_photo_twice_gets_the_same_keys_and_another_photo_other_keys():
    first, again = (
        process_image(factory.phone_jpeg()),
        process_image(factory.phone_jpeg()),
    )
    assert [v.key for v in first.variants] == [v.key for v in again.variants]
    assert first.variants[0].key == f"img/{first.hash[:2]}/{first.hash}/400.webp"
    other = process_image(factory.encode(factory.upright_photo(), "PNG"))
    assert other.hash != first.hash


def test_srcset_lists_each_width():
    value = images.srcset(lambda key: f"/media/{key}", "ab" * 16, [640, 320])
    assert value == (
        f"/media/img/ab/{'ab' * 16}/640.webp 640w, /media/img/ab/{'ab' * 16}/320.webp 320w"
    )


def test_every_message_has_a_spanish_translation():
    path = ROOT / "i18n" / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po)
    extracted = extract_from_file(
        "python", str(ROOT / "vendors" / "photos" / "images.py"), keywords={"lazy_gettext": None}
    )
    msgids = [msgid for _, msgid, _, _ in extracted]
    assert len(msgids) == 5
    for msgid in msgids:
        assert catalogue[msgid] is not None and catalogue[msgid].string, msgid


def _close(pixel, expected, tolerance) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], expected, strict=True))


def _is_red(pixel) -> bool:
    return pixel[0] > 180 and pixel[1] < 80 and pixel[2] < 80


@pytest.mark.parametrize("size", [(1080, 20000), (1, 39000), (300, 16384)])
def test_photos_taller_than_webp_allows_are_scaled_to_fit(size):
    """A long phone screenshot or a thin strip is shown, not refused as damaged."""
    source = factory.encode(Image.new("RGB", size, factory.LEAF), "PNG")
    result = process_image(source)
    for variant in result.variants:
        img = Image.open(io.BytesIO(variant.data))
        assert (img.width, img.height) == (variant.width, variant.height)
        assert max(img.size) <= images.MAX_SIDE, variant.key
    largest = result.variants[0]
    assert largest.height >= images.MAX_SIDE * 0.99  # shrunk no more than it had to be
    # The shape is kept (as far as whole pixels allow).
    assert abs(largest.width / largest.height - size[0] / size[1]) < 0.01 or largest.width == 1


def test_a_cut_off_tall_photo_is_still_damaged():
    source = factory.encode(Image.new("RGB", (1080, 20000), factory.LEAF), "JPEG")
    with pytest.raises(ImageError) as refused:
        process_image(source[: len(source) // 2])
    assert refused.value.code == "damaged"


def _pixels(variant) -> Image.Image:
    return Image.open(io.BytesIO(variant.data)).convert("RGB")


def test_a_white_sixteen_bit_grey_png_stays_white_in_every_variant():
    result = process_image(factory.encode(Image.new("I;16", (2600, 1300), 65535), "PNG"))
    assert result.widths == [1280, 640, 320]
    for variant in result.variants:
        img = _pixels(variant)
        assert img.getextrema() == ((255, 255), (255, 255), (255, 255)), variant.key


def test_a_sixteen_bit_gradient_keeps_its_whole_range():
    # Black on the left to white on the right, in 16-bit steps.
    data = factory.png_16_bit(2600, 40, 0, lambda x, y: (x * 65535 // 2599,))
    largest = _pixels(process_image(data).variants[0])
    row = [largest.getpixel((x, 10))[0] for x in range(largest.width)]
    assert row[0] <= 2 and row[-1] >= 253
    assert abs(row[largest.width // 2] - 128) <= 3
    assert all(b >= a - 1 for a, b in zip(row, row[1:], strict=False))  # no banding back


@pytest.mark.parametrize(
    ("colour_type", "pixel", "expected"),
    [
        (2, lambda x, y: (65535, 32768, 0), (255, 128, 0)),
        (6, lambda x, y: (0, 0, 65535, 65535 if x < 1300 else 0), None),
        (4, lambda x, y: (16384, 65535 if x < 1300 else 0), None),
    ],
    ids=["rgb-16bit", "rgba-16bit", "grey-alpha-16bit"],
)
def test_sixteen_bit_colour_and_alpha_pngs_become_right_8_bit_variants(
    colour_type, pixel, expected
):
    result = process_image(factory.png_16_bit(2600, 60, colour_type, pixel))
    for variant in result.variants:
        img = _pixels(variant)
        left, right = img.getpixel((2, img.height // 2)), img.getpixel((img.width - 3, 1))
        if expected:
            assert _close(left, expected, 2) and _close(right, expected, 2), variant.key
        else:  # the opaque left half keeps its colour, the transparent right half is white
            opaque = (0, 0, 255) if colour_type == 6 else (64, 64, 64)
            assert _close(left, opaque, 6) and _close(right, (255, 255, 255), 2), variant.key


def test_a_sixteen_bit_grey_with_a_transparent_value_goes_on_white():
    img = Image.new("I;16", (1400, 100), 1000)
    img.paste(Image.new("I;16", (700, 100), 40000))
    result = process_image(factory.encode(img, "PNG", transparency=1000))
    largest = _pixels(result.variants[0])
    assert _close(largest.getpixel((20, 50)), (156, 156, 156), 2)  # 40000 / 257
    assert largest.getpixel((1250, 50)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("mode", "value", "grey"),
    [("I;16", 32768, 128), ("I;16B", 65535, 255), ("I", 16448, 64), ("F", 200.0, 200)],
)
def test_wide_modes_are_shrunk_then_narrowed_to_8_bits(mode, value, grey):
    variants = images.render_image(Image.new(mode, (3000, 2000), value))
    assert [v.size for v in variants] == [(1280, 853), (640, 427), (320, 213)]
    for variant in variants:
        assert variant.mode == "RGB"
        assert _close(variant.getpixel((640 % variant.width, 10)), (grey,) * 3, 1)


def test_a_sixteen_bit_grey_never_gets_a_full_size_copy(monkeypatch):
    """What keeps a 40-megapixel 16-bit grey at about 155 MB: every conversion happens to an
    image already shrunk (bench/images.py measures the memory itself)."""
    converted = []
    convert = Image.Image.convert

    def watching(self, *args, **kwargs):
        converted.append(self.size)
        return convert(self, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "convert", watching)
    process_image(factory.encode(Image.new("I;16", (4000, 3000), 30000), "PNG"))
    assert converted and max(w * h for w, h in converted) <= 4000 * 3000 // 4
