"""Categories, products and what each customer owns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base
from knowledge_base.models import Category
from knowledge_base.names import LocalizedName


class Product(LocalizedName, Base):
    """A product the company sells and supports (its name in every language)."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(60))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    category: Mapped[Category | None] = relationship()
    #: Months of manufacturer's warranty from the purchase date.
    warranty_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    #: List price in cents: the default value source of the customer classification.
    price_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: A regular expression every serial number of this product must match whole ('' = any).
    serial_pattern: Mapped[str] = mapped_column(String(200), default="", server_default="")


class CustomerProduct(Base):
    """A product a customer owns (bought, registered)."""

    __tablename__ = "customer_products"
    __table_args__ = (UniqueConstraint("user_id", "product_id", "serial_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    serial_number: Mapped[str] = mapped_column(String(60), default="", index=True)
    purchased_on: Mapped[date | None] = mapped_column(Date)
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The purchase receipt: shown name, random stored name, sniffed content type (all None without one).
    receipt_name: Mapped[str | None] = mapped_column(String(255))
    receipt_stored_name: Mapped[str | None] = mapped_column(String(64))
    receipt_content_type: Mapped[str | None] = mapped_column(String(100))
    product: Mapped[Product] = relationship()
