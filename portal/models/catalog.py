"""Categories, products and what each customer owns."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.db import Base
from knowledge_base.models import Category


class Product(Base):
    """A product the company sells and supports."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(60))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    category: Mapped[Category | None] = relationship()


class CustomerProduct(Base):
    """A product a customer owns (bought, registered)."""

    __tablename__ = "customer_products"
    __table_args__ = (UniqueConstraint("user_id", "product_id", "serial_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    serial_number: Mapped[str] = mapped_column(String(60), default="")
    purchased_on: Mapped[date | None] = mapped_column(Date)
    product: Mapped[Product] = relationship()
