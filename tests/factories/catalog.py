"""Vendors and products as buyers see them, with photos and fair places."""

import itertools
from datetime import UTC, datetime, timedelta

from fairs.applications.models import Application, ApplicationStatus
from fairs.layout.models import Booth
from marketplace.core.database import db
from vendors.photos.models import Image
from vendors.products.models import Product, ProductPhoto
from vendors.profiles.models import VendorProfile, VendorStatus

_seq = itertools.count(1)


class CatalogFactories:
    def listed_vendor(self, status=VendorStatus.VERIFIED, **kw):
        n = next(_seq)
        vendor = VendorProfile(
            slug=kw.pop("slug", f"negocio-{n}"),
            business_name=kw.pop("business_name", f"Negocio {n}"),
            category=kw.pop("category", "crafts"),
            department=kw.pop("department", "Francisco Morazán"),
            status=status.value,
            **kw,
        )
        db.session.add(vendor)
        db.session.commit()
        return vendor

    def listed_product(self, vendor=None, photos=0, age_minutes=None, **kw):
        """A product; `age_minutes` sets how long ago it was created (for ordering tests)."""
        n = next(_seq)
        vendor = vendor or self.listed_vendor()
        created = datetime.now(UTC) - timedelta(minutes=age_minutes if age_minutes else -n)
        product = Product(
            vendor_id=vendor.id,
            title=kw.pop("title", f"Producto {n}"),
            description=kw.pop("description", ""),
            category=kw.pop("category", "crafts"),
            price=kw.pop("price", 10000),
            stock=kw.pop("stock", 10),
            created_at=created,
            **kw,
        )
        db.session.add(product)
        db.session.flush()
        for position in range(photos):
            image = self.catalog_image()
            db.session.add(
                ProductPhoto(product_id=product.id, image_id=image.id, position=position)
            )
        db.session.commit()
        return product

    def catalog_image(self):
        n = next(_seq)
        image = Image(
            hash=f"{n:064x}",
            width=1200,
            height=900,
            variants=[
                {"width": w, "height": w * 3 // 4, "format": fmt, "key": f"img/{n}/{w}.{fmt}"}
                for fmt in ("webp", "jpeg")
                for w in (1200, 600, 300)
            ],
        )
        db.session.add(image)
        db.session.flush()
        return image

    def at_fair(self, vendor, fair, status=ApplicationStatus.APPROVED, booth_code=None):
        """The vendor's application to the fair, holding a booth when a code is given."""
        booth = None
        if booth_code:
            booth = Booth(fair_id=fair.id, code=booth_code, row=0, col=next(_seq))
            db.session.add(booth)
            db.session.flush()
        application = Application(
            fair_id=fair.id,
            vendor_id=vendor.id,
            status=status.value,
            booth_id=booth.id if booth else None,
        )
        db.session.add(application)
        db.session.commit()
        return application
