"""Generated catalogues for measuring speed: `flask --app wsgi demo load --scale N`.

N products across N/10 verified vendors, inserted in batches; a handful of small images are
generated once and shared, so a large catalogue loads in seconds and still renders photos.
"""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, insert, select

from marketplace.core.extensions import db
from vendors.photos.models import Image
from vendors.products.models import Product, ProductPhoto
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.taxonomy import CATEGORIES, DEPARTMENTS

SLUG_PREFIX = "escala-"
BATCH = 5000

#: category -> (things, qualities) used to build titles such as "Bolsa de cuero bordada".
WORDS = {
    "food": (
        ["Rosquillas", "Tamales", "Miel de abeja", "Mermelada", "Pan de coco", "Horchata"],
        ["caseras", "de Olancho", "artesanales", "sin azúcar", "de la abuela"],
    ),
    "coffee_cacao": (
        ["Café molido", "Café en grano", "Chocolate", "Cacao en polvo", "Nibs"],
        ["de altura", "orgánico", "de Marcala", "tostado oscuro", "de Copán"],
    ),
    "crafts": (
        ["Jarrón", "Canasta", "Hamaca", "Figura de barro", "Cuadro"],
        ["lenca", "pintado a mano", "de junco", "de pino", "tradicional"],
    ),
    "textiles": (
        ["Camisa", "Vestido", "Bolsa tejida", "Camino de mesa", "Gorra"],
        ["bordada", "de algodón", "típica", "de manta", "con colores"],
    ),
    "leather": (
        ["Bolsa de cuero", "Cincho", "Billetera", "Sandalias", "Mochila"],
        ["repujada", "café", "negra", "hecha a mano", "grabada"],
    ),
    "jewellery": (
        ["Aretes", "Collar", "Pulsera", "Anillo", "Dije"],
        ["de plata", "de semillas", "de jade", "de coco", "de concha"],
    ),
    "beauty": (
        ["Jabón", "Champú", "Crema", "Aceite", "Bálsamo"],
        ["de sábila", "de coco", "de miel", "natural", "de café"],
    ),
    "wood": (
        ["Mesa", "Silla", "Tabla para picar", "Caja", "Cuchara"],
        ["de caoba", "de pino", "tallada", "de cedro", "rústica"],
    ),
    "services": (
        ["Corte de cabello", "Reparación", "Costura", "Clases", "Fotografía"],
        ["a domicilio", "rápida", "para eventos", "de inglés", "profesional"],
    ),
    "other": (
        ["Regalo", "Adorno", "Juguete", "Llavero", "Vela"],
        ["navideño", "de madera", "para niños", "aromática", "de recuerdo"],
    ),
}
STORY = "Volvimos a Honduras y empezamos este negocio en familia.\nHacemos todo a mano."
DESCRIPTION = "{title}. Hecho en {department} por una familia emprendedora. {extra}"
EXTRAS = [
    "Ideal para regalo.",
    "Pedidos por WhatsApp.",
    "Entrega en la feria.",
    "Hecho con cuidado.",
]


def load_scale(count: int, seed: int = 7) -> list[str]:
    """Add `count` generated products (and count/10 vendors); skipped when already loaded."""
    if db.session.scalar(select(func.count()).where(VendorProfile.slug.startswith(SLUG_PREFIX))):
        return ["A generated catalogue is already loaded; nothing added."]
    rng = random.Random(seed)
    images = _shared_images()
    vendor_ids = _insert_vendors(max(1, count // 10), rng)
    now = datetime.now(UTC).replace(tzinfo=None)
    categories = list(CATEGORIES)
    first_id = (db.session.scalar(select(func.max(Product.id))) or 0) + 1
    for start in range(0, count, BATCH):
        rows, photos = [], []
        for i in range(start, min(start + BATCH, count)):
            category = rng.choice(categories)
            things, qualities = WORDS[category]
            title = f"{rng.choice(things)} {rng.choice(qualities)}"
            rows.append(
                {
                    "id": first_id + i,
                    "vendor_id": rng.choice(vendor_ids),
                    "title": title,
                    "description": DESCRIPTION.format(
                        title=title, department=rng.choice(DEPARTMENTS), extra=rng.choice(EXTRAS)
                    ),
                    "category": category,
                    "price": rng.randrange(20, 3000) * 500,
                    "stock": rng.choice((None, 0, 1, 3, 8, 12, 25, 40)),
                    "needs_stock_check": False,
                    "visible": rng.random() > 0.03,
                    "created_at": now - timedelta(minutes=count - i, seconds=rng.randrange(60)),
                    "updated_at": now,
                }
            )
            photos.append(
                {"product_id": first_id + i, "image_id": rng.choice(images), "position": 0}
            )
        db.session.execute(insert(Product), rows)
        db.session.execute(insert(ProductPhoto), photos)
    db.session.commit()
    return [f"Generated {count} products from {len(vendor_ids)} vendors."]


def _insert_vendors(count: int, rng: random.Random) -> list[int]:
    now = datetime.now(UTC).replace(tzinfo=None)
    first_id = (db.session.scalar(select(func.max(VendorProfile.id))) or 0) + 1
    rows = [
        {
            "id": first_id + n,
            "slug": f"{SLUG_PREFIX}{n + 1}",
            "business_name": f"{rng.choice(['Taller', 'Casa', 'Emprendimiento', 'Tienda'])} "
            f"{rng.choice(['Lenca', 'Maya', 'Garífuna', 'Catracha', 'del Valle', 'Morazánica'])} "
            f"{n + 1}",
            "story": STORY,
            "category": rng.choice(list(CATEGORIES)),
            "department": rng.choice(DEPARTMENTS),
            "municipality": "",
            "show_phone": False,
            "show_whatsapp": False,
            "status": VendorStatus.VERIFIED.value,
            "status_reason": "",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    for start in range(0, count, BATCH):
        db.session.execute(insert(VendorProfile), rows[start : start + BATCH])
    return [r["id"] for r in rows]


def _shared_images() -> list[int]:
    """Six small solid-colour photos in two widths, written to instance/media once."""
    from PIL import Image as PILImage

    media = Path(current_app.instance_path) / "media" / "scale"
    media.mkdir(parents=True, exist_ok=True)
    ids = []
    colours = ["#0b5d4b", "#ffd166", "#a4262c", "#1f5f99", "#8a5a00", "#55605b"]
    for n, colour in enumerate(colours):
        digest = f"scale-{n}".ljust(64, "0")
        existing = db.session.scalar(select(Image.id).where(Image.hash == digest))
        if existing:
            ids.append(existing)
            continue
        variants = []
        for width in (600, 300):
            key = f"scale/{n}-{width}.jpeg"
            PILImage.new("RGB", (width, width * 3 // 4), colour).save(media / f"{n}-{width}.jpeg")
            variants.append(
                {"width": width, "height": width * 3 // 4, "format": "jpeg", "key": key}
            )
        image = Image(hash=digest, width=600, height=450, variants=variants)
        db.session.add(image)
        db.session.flush()
        ids.append(image.id)
    return ids
