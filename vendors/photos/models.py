"""Processed photos: one row per picture, its display variants in storage."""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.auth.models import utcnow
from marketplace.core.database import db


class Image(db.Model):
    """One processed photo: its display variants in storage, shared by whatever shows it."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Content hash; the same photo uploaded twice is stored once.
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Size of the largest variant, for width/height attributes (no layout shift).
    width: Mapped[int]
    height: Mapped[int]
    #: [{"width", "height", "format", "key"}], largest first.
    variants: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
