"""Products and their photos, in the order the entrepreneur chose."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db
from vendors.photos.models import Image
from vendors.profiles.models import VendorProfile


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(30), index=True)
    #: Centavos.
    price: Mapped[int]
    #: Units on hand; None means made to order.
    stock: Mapped[int | None]
    #: Set when a sale found no stock left: the sale is kept and someone should count again.
    needs_stock_check: Mapped[bool] = mapped_column(default=False)
    visible: Mapped[bool] = mapped_column(default=True)
    #: Set when an organiser hid the product; only an organiser can show it again.
    moderated_at: Mapped[datetime | None]
    #: The organiser's reason, shown to the entrepreneur.
    moderation_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]

    vendor: Mapped[VendorProfile] = relationship(back_populates="products")
    photos: Mapped[list["ProductPhoto"]] = relationship(
        back_populates="product", order_by="ProductPhoto.position", cascade="all, delete-orphan"
    )

    @property
    def made_to_order(self) -> bool:
        return self.stock is None

    @property
    def is_public(self) -> bool:
        """Shown in the catalogue: visible, not hidden by organisers, vendor verified."""
        return (
            self.visible
            and self.moderated_at is None
            and self.deleted_at is None
            and self.vendor.is_verified
            and self.vendor.deleted_at is None
        )

    @property
    def cover(self) -> Image | None:
        """The first photo's image, or None."""
        return self.photos[0].image if self.photos else None


class ProductPhoto(db.Model):
    __tablename__ = "product_photos"
    __table_args__ = (UniqueConstraint("product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id"))
    position: Mapped[int] = mapped_column(default=0)
    alt_text: Mapped[str] = mapped_column(String(200), default="")

    product: Mapped[Product] = relationship(back_populates="photos")
    image: Mapped[Image] = relationship()
