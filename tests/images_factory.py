"""Photos and non-photos built in memory for the image pipeline's tests."""

import io
import struct
import zlib

from PIL import Image

RED = (220, 30, 30)
LEAF = (60, 160, 60)  # a green that Adobe RGB and sRGB encode differently
SECRET = b"Calle 5, casa 12 - secret comment"
XMP_WITH_GPS = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="15,46.5N" exif:GPSLongitude="86,47.2W"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def upright_photo(size=(400, 600), colour=LEAF) -> Image.Image:
    """A plain photo with a red block in its top-left corner, to tell which way is up."""
    img = Image.new("RGB", size, colour)
    img.paste(RED, (0, 0, size[0] // 5, size[1] // 5))
    return img


def encode(img: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Phone 12"
    exif[0x0112] = orientation
    # GPSInfo: Tegucigalpa, where this entrepreneur lives.
    exif[0x8825] = {1: "N", 2: (14.0, 5.0, 0.0), 3: "W", 4: (87.0, 12.0, 0.0)}
    return exif


def phone_jpeg() -> bytes:
    """What a phone sends: stored sideways with EXIF orientation 6, GPS in EXIF and in XMP,
    an Adobe-RGB ICC profile and a JPEG comment."""
    stored = upright_photo().transpose(Image.Transpose.ROTATE_90)
    return encode(
        stored,
        "JPEG",
        quality=95,
        exif=gps_exif(orientation=6),
        xmp=XMP_WITH_GPS,
        icc_profile=adobe_rgb_profile(),
        comment=SECRET,
    )


def adobe_rgb_profile() -> bytes:
    """A minimal ICC v2 matrix/TRC profile with Adobe RGB (1998) primaries and gamma 2.2."""

    def xyz(x, y, z):
        return b"XYZ \0\0\0\0" + struct.pack(">3i", *(round(v * 65536) for v in (x, y, z)))

    def text(value: str):
        return b"text\0\0\0\0" + value.encode() + b"\0"

    def desc(value: str):
        ascii_ = value.encode() + b"\0"
        body = struct.pack(">I", len(ascii_)) + ascii_ + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
        return b"desc\0\0\0\0" + body

    gamma = b"curv\0\0\0\0" + struct.pack(">IH", 1, 563) + b"\0\0"  # 563/256 = 2.2
    tags = [
        (b"desc", desc("Adobe RGB-like test profile")),
        (b"cprt", text("No copyright, test data")),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.6097, 0.3111, 0.0195)),
        (b"gXYZ", xyz(0.2053, 0.6257, 0.0609)),
        (b"bXYZ", xyz(0.1492, 0.0632, 0.7446)),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = struct.pack(
        ">I4sI4s4s4s12s4s4s",
        size,
        b"lcms",
        0x02100000,
        b"mntr",
        b"RGB ",
        b"XYZ ",
        b"\0" * 12,
        b"acsp",
        b"APPL",
    )
    header += b"\0" * 24 + struct.pack(">3i", 63190, 65536, 54061)  # D50 illuminant
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


def png_header_only(width: int, height: int, colour_type: int = 6) -> bytes:
    """A tiny PNG that declares a huge size: a few bytes of real data, then the end."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return _png([(b"IHDR", ihdr), (b"IDAT", zlib.compress(b"\0" * 64)), (b"IEND", b"")])


def png_of_zeros(width: int, height: int) -> bytes:
    """A complete, valid RGBA PNG of transparent black: compresses to almost nothing, yet
    decodes to width x height x 4 bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + 4 * width)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return _png([(b"IHDR", ihdr), (b"IDAT", idat), (b"IEND", b"")])


def _png(chunks) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return out


def png_16_bit(width: int, height: int, colour_type: int, pixel) -> bytes:
    """A 16-bit PNG (Pillow writes only 16-bit greys): colour type 0 grey, 2 RGB, 4 grey and
    alpha, 6 RGBA; `pixel(x, y)` gives the samples of a pixel, each 0-65535."""
    ihdr = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    rows = b"".join(
        b"\0"
        + b"".join(struct.pack(f">{len(p)}H", *p) for p in (pixel(x, y) for x in range(width)))
        for y in range(height)
    )
    return _png([(b"IHDR", ihdr), (b"IDAT", zlib.compress(rows)), (b"IEND", b"")])
