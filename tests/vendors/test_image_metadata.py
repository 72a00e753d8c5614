"""No served file carries metadata: every variant's bytes are read marker by marker and chunk by
chunk (not through Pillow's `info`), for sources that carry each kind of metadata."""

import io
import struct

import pytest
from PIL import Image, PngImagePlugin

from tests import images_factory as factory
from vendors.photos.images import process_image

GPS_NOTE = b"GPS 14.0723N 87.1921W casa de la abuela"

#: What an image may hold besides its pixels and how to draw them.
JPEG_ALLOWED = {
    0xD8,
    0xE0,
    0xDB,
    0xC0,
    0xC1,
    0xC2,
    0xC4,
    0xDD,
    0xDA,
}  # SOI APP0 DQT SOFn DHT DRI SOS
PNG_ALLOWED = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"sRGB", b"pHYs"}
WEBP_ALLOWED = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


def jpeg_markers(data: bytes) -> set[int]:
    assert data[:2] == b"\xff\xd8"
    markers, pos = {0xD8}, 2
    while pos < len(data):
        assert data[pos] == 0xFF, pos
        marker = data[pos + 1]
        markers.add(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows to the end
            return markers
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def png_chunks(data: bytes) -> set[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = set(), 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.add(data[pos + 4 : pos + 8])
        pos += 12 + length
    return chunks


def webp_chunks(data: bytes) -> set[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, pos = set(), 12
    while pos < len(data):
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        chunks.add(data[pos : pos + 4])
        pos += 8 + length + (length & 1)
    return chunks


def upright_jpeg_with_a_comment() -> bytes:
    # Upright and without a profile: nothing on the way converts it, so `info` travels along.
    return factory.encode(factory.upright_photo(), "JPEG", quality=90, comment=GPS_NOTE)


def png_with_text_and_profile() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("comment", GPS_NOTE.decode())
    text.add_text("Description", "Taller en la colonia Kennedy")
    text.add_itxt("XML:com.adobe.xmp", factory.XMP_WITH_GPS.decode(), zip=True)
    return factory.encode(
        factory.upright_photo(),
        "PNG",
        pnginfo=text,
        icc_profile=factory.adobe_rgb_profile(),
        exif=factory.gps_exif(),
    )


def transparent_png_with_a_comment() -> bytes:
    img = factory.upright_photo().convert("RGBA")
    img.putpixel((0, 0), (0, 0, 0, 0))
    text = PngImagePlugin.PngInfo()
    text.add_text("comment", GPS_NOTE.decode())
    return factory.encode(img, "PNG", pnginfo=text)


SOURCES = {
    "phone JPEG (EXIF, GPS, XMP, ICC, comment)": factory.phone_jpeg,
    "upright JPEG with a comment": upright_jpeg_with_a_comment,
    "PNG with text, iTXt XMP, ICC and EXIF": png_with_text_and_profile,
    "transparent PNG with a comment": transparent_png_with_a_comment,
}


@pytest.mark.parametrize("make_source", SOURCES.values(), ids=SOURCES.keys())
def test_no_served_file_carries_metadata(make_source):
    source = make_source()
    result = process_image(source, keep_original=True)
    files = result.files()
    assert {f.format for f in files} >= {"webp", "jpg"}
    for f in files:
        if f.format == "jpg":
            extra = jpeg_markers(f.data) - JPEG_ALLOWED
        elif f.format == "png":
            extra = png_chunks(f.data) - PNG_ALLOWED
        else:
            extra = webp_chunks(f.data) - WEBP_ALLOWED
        assert not extra, (f.key, extra)
        for secret in (GPS_NOTE, factory.SECRET, b"GPSLatitude", b"PhoneMaker", b"Kennedy"):
            assert secret not in f.data, (f.key, secret)
        assert not Image.open(io.BytesIO(f.data)).info.get("comment"), f.key
