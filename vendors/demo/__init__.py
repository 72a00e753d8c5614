"""Demo entrepreneurs with products and photos. Idempotent: a profile that exists is left alone.

The photos are drawn here with Pillow (a small still life in the product's colours, with its
initial) and go through the real photo pipeline, so the demo exercises the same code as uploads.
"""

import io

from PIL import Image, ImageDraw, ImageFont, ImageOps

from marketplace.core.auth import services
from marketplace.core.auth.models import Role, utcnow
from marketplace.core.database import db
from vendors.demo.data import PENDING, VERIFIED
from vendors.photos.images import process_image
from vendors.photos.uploads import store_images
from vendors.products import services as products
from vendors.products.services import ProductFields
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.profiles.services import find_profile

PHOTO_SIZE = (640, 480)


def load_vendors(password: str) -> list[str]:
    """Create the demo businesses that are missing; return lines to print."""
    created = 0
    for data in VERIFIED:
        created += _load_vendor(data, password, VendorStatus.VERIFIED)
    created += _load_vendor(PENDING, password, VendorStatus.PENDING)
    db.session.flush()
    return [
        f"  {len(VERIFIED)} verified entrepreneurs and 1 pending verification "
        f"({created} new), e.g. {VERIFIED[3]['email']}, {PENDING['email']}",
    ]


def _load_vendor(data: dict, password: str, status: VendorStatus) -> int:
    if db.session.scalar(db.select(VendorProfile.id).where(VendorProfile.slug == data["slug"])):
        return 0
    user = services.find_user(data["email"]) or services.create_user(
        data["email"], password, Role.ENTREPRENEUR, data["name"]
    )
    db.session.flush()
    if find_profile(user) is not None:
        return 0  # this person already made a profile of their own
    vendor = _profile(data, user.id, status)
    db.session.add(vendor)
    for title, category, lempiras, stock, description, colours in data["products"]:
        fields = ProductFields(title, description, category, lempiras * 100, stock, True)
        photos = store_images([process_image(draw_photo(title, category, colours))])
        products.create_product(vendor, fields, photos)
    return 1


def _profile(data: dict, user_id: int, status: VendorStatus) -> VendorProfile:
    now = utcnow()
    number = f"+504{9000_0000 + sum(map(ord, data['slug'])) * 97 % 999_9999:08d}"
    return VendorProfile(
        user_id=user_id,
        slug=data["slug"],
        business_name=data["business_name"],
        story=data["story"],
        category=data["category"],
        department=data["department"],
        municipality=data["municipality"],
        returned_from=data["returned_from"],
        returned_year=data["returned_year"],
        whatsapp=number,
        show_whatsapp=True,
        status=status.value,
        status_changed_at=now if status is VendorStatus.VERIFIED else None,
        consent_at=now,
    )


def draw_photo(title: str, category: str, colours: tuple[str, str]) -> bytes:
    """A pleasant little scene: soft background, a table, the product as a shape, its initial."""
    dark, light = colours
    width, height = PHOTO_SIZE
    gradient = Image.linear_gradient("L").resize(PHOTO_SIZE)
    img = ImageOps.colorize(gradient, light, "#ffffff").convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, height * 0.72, width, height), fill=_mix(dark, light, 0.35))
    draw.ellipse(
        (width * 0.2, height * 0.78, width * 0.8, height * 0.9), fill=_mix(dark, light, 0.6)
    )
    _SHAPES.get(category, _round)(draw, width, height, dark, light)
    font = ImageFont.load_default(size=int(height * 0.28))
    # A necklace leaves the middle empty: its initial is drawn in the dark colour instead.
    letter = dark if category == "jewellery" else light
    draw.text((width / 2, height * 0.5), title[0].upper(), font=font, fill=letter, anchor="mm")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def _mix(a: str, b: str, t: float) -> tuple[int, int, int]:
    ca, cb = (Image.new("RGB", (1, 1), c).getpixel((0, 0)) for c in (a, b))
    return tuple(round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True))


def _round(draw, w, h, dark, light):
    draw.ellipse((w * 0.33, h * 0.22, w * 0.67, h * 0.84), fill=dark)


def _cup(draw, w, h, dark, light):
    draw.rounded_rectangle((w * 0.33, h * 0.3, w * 0.63, h * 0.84), radius=int(h * 0.06), fill=dark)
    draw.arc((w * 0.57, h * 0.42, w * 0.72, h * 0.66), 270, 90, fill=dark, width=int(h * 0.04))
    for x in (0.42, 0.48, 0.54):
        draw.arc((w * x, h * 0.1, w * (x + 0.04), h * 0.26), 90, 270, fill=light, width=4)


def _cloth(draw, w, h, dark, light):
    for i in range(7):
        colour = dark if i % 2 == 0 else _mix(dark, light, 0.5)
        top = h * (0.25 + i * 0.075)
        draw.rectangle((w * 0.22, top, w * 0.78, top + h * 0.075), fill=colour)


def _box(draw, w, h, dark, light):
    draw.rounded_rectangle((w * 0.28, h * 0.3, w * 0.72, h * 0.84), radius=12, fill=dark)
    draw.line((w * 0.28, h * 0.42, w * 0.72, h * 0.42), fill=_mix(dark, light, 0.4), width=6)


def _beads(draw, w, h, dark, light):
    for i in range(14):
        x = w * (0.25 + 0.5 * i / 13)
        y = h * (0.3 + 0.35 * (1 - ((i - 6.5) / 6.5) ** 2))
        draw.ellipse(
            (x - 18, y - 18, x + 18, y + 18), fill=dark if i % 2 else _mix(dark, light, 0.4)
        )


_SHAPES = {
    "coffee_cacao": _cup,
    "textiles": _cloth,
    "leather": _box,
    "wood": _box,
    "beauty": _box,
    "jewellery": _beads,
}
