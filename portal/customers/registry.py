"""The product registry: serial patterns checked safely, warranty ends, registration with a receipt."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.db import utcnow
from knowledge_base.errors import FieldError
from portal.labels import localized
from portal.models import CustomerProduct, Product, User
from portal.requests import attachments as files

try:  # Python 3.11+: the regex parser lives in re._parser
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

#: The serial number column's length: longer input is refused before any pattern runs.
SERIAL_MAX: int = CustomerProduct.__table__.c.serial_number.type.length
PATTERN_MAX: int = Product.__table__.c.serial_pattern.type.length
#: Receipts: one file, the attachment types, at most this many bytes.
RECEIPT_MAX_BYTES = 5_000_000
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None)}
_FORBIDDEN = {sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS, sre_parse.ASSERT, sre_parse.ASSERT_NOT}


def _walk(items, inside_repeat: bool) -> None:
    """Refuse the shapes that backtrack badly: inside a repetition (`+`, `*`, `{2,}`) no other
    quantifier and no alternation; no back-references or look-arounds anywhere. An optional
    part (`?`, `{0,1}`) outside a repetition may hold them (`[A-Z]+(-[0-9]+)?` is fine)."""
    for op, arg in items:
        if op in _FORBIDDEN:
            raise ValueError("back-references and look-arounds are not allowed")
        if op in _REPEATS:
            if inside_repeat:
                raise ValueError("a repeated part may not contain another repetition")
            _walk(arg[2], arg[1] > 1)
        elif op == sre_parse.SUBPATTERN:
            _walk(arg[-1], inside_repeat)
        elif op == sre_parse.BRANCH:
            if inside_repeat:
                raise ValueError("a repeated part may not contain alternatives")
            for branch in arg[1]:
                _walk(branch, inside_repeat)


def check_pattern(pattern: str) -> str:
    """A serial-number pattern safe to run: compiles, at most PATTERN_MAX chars, no nested repeats."""
    pattern = pattern.strip()
    if not pattern:
        return ""
    if len(pattern) > PATTERN_MAX:
        raise FieldError(_l("Keep the pattern under %(n)d characters.", n=PATTERN_MAX), "serial_pattern")
    try:
        re.compile(pattern)
        _walk(sre_parse.parse(pattern), False)
    except (re.error, ValueError, OverflowError, RecursionError) as exc:
        raise FieldError(
            _l("This pattern cannot be used: %(reason)s", reason=str(exc)), "serial_pattern"
        ) from exc
    return pattern


def normalise_serial(raw: str) -> str:
    """Serial numbers are compared without surrounding spaces and in upper case."""
    return raw.strip().upper()


def check_serial(product: Product, raw: str) -> str:
    """The normalised serial if it fits the product's pattern (matched whole), else FieldError."""
    serial = normalise_serial(raw)
    if len(serial) > SERIAL_MAX:
        raise FieldError(_l("A serial number has at most %(n)d characters.", n=SERIAL_MAX), "serial_number")
    if not serial:
        raise FieldError(_l("Enter the serial number from the rating plate."), "serial_number")
    if product.serial_pattern and re.fullmatch(product.serial_pattern, serial) is None:
        raise FieldError(
            _l("This does not look like a serial number of %(product)s.", product=localized(product)),
            "serial_number",
        )
    return serial


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def warranty_end(owned: CustomerProduct) -> date | None:
    """The last day of warranty, or None when the purchase date is unknown."""
    if owned.purchased_on is None:
        return None
    return (
        add_months(owned.purchased_on, owned.product.warranty_months)
        if owned.product.warranty_months
        else None
    )


def in_warranty(owned: CustomerProduct, today: date) -> bool | None:
    """True/False for in or out of warranty on `today`; None when it cannot be told."""
    end = warranty_end(owned)
    return None if end is None else today < end


def warranty_label(owned: CustomerProduct, today: date) -> str:
    """ "in warranty until …", "out of warranty since …" or "warranty unknown" (translated)."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    end = warranty_end(owned)
    if end is None:
        return _("warranty unknown")
    if today < end:
        return _("in warranty until %(date)s", date=format_date(end))
    return _("out of warranty since %(date)s", date=format_date(end))


def choice_label(owned: CustomerProduct, today: date) -> str:
    """How a registered product is offered on the request form: name, serial, warranty state."""
    from flask_babel import gettext as _

    return _(
        "Mine: %(name)s (%(serial)s), %(warranty)s",
        name=localized(owned.product),
        serial=owned.serial_number or "—",
        warranty=warranty_label(owned, today),
    )


@dataclass(frozen=True)
class Registration:
    """What a customer typed into the registration form."""

    product_id: int | None
    serial_number: str
    purchased_on: date | None
    receipt: files.Upload | None = None


def register(
    session: Session, customer: User, data: Registration, folder: Path, today: date
) -> CustomerProduct:
    """Validate and add a product to the customer's registry (receipt stored last); never commits."""
    product = session.get(Product, data.product_id) if data.product_id else None
    if product is None:
        raise FieldError(_l("Choose a product from the catalogue."), "product")
    serial = check_serial(product, data.serial_number)
    if data.purchased_on is None:
        raise FieldError(_l("Enter the purchase date."), "purchased_on")
    if data.purchased_on > today:
        raise FieldError(_l("The purchase date cannot be in the future."), "purchased_on")
    if data.purchased_on.year < 1990:
        raise FieldError(_l("Check the purchase date."), "purchased_on")
    duplicate = session.scalar(
        select(CustomerProduct.id).where(
            CustomerProduct.user_id == customer.id,
            CustomerProduct.product_id == product.id,
            CustomerProduct.serial_number == serial,
        )
    )
    if duplicate is not None:
        raise FieldError(_l("You have already registered this product."), "serial_number")
    receipt = None
    if data.receipt is not None:
        limits = files.UploadLimits(
            max_files=1, max_file_bytes=RECEIPT_MAX_BYTES, max_total_bytes=RECEIPT_MAX_BYTES
        )
        try:
            [receipt] = files.validate([data.receipt], limits)
        except FieldError as exc:
            raise FieldError(exc.message, "receipt") from exc
    owned = CustomerProduct(
        user_id=customer.id,
        product=product,
        serial_number=serial,
        purchased_on=data.purchased_on,
        registered_at=utcnow(),
    )
    if receipt is not None:
        upload, content_type = receipt
        owned.receipt_name = upload.filename
        owned.receipt_content_type = content_type
        owned.receipt_stored_name = files.store(folder, upload.data, content_type)
    session.add(owned)
    session.flush()
    return owned


def receipt_folder(instance_path: str) -> Path:
    """Where receipts are stored (beside request attachments, never under static/)."""
    return Path(instance_path) / "receipts"


def unregister(session: Session, owned: CustomerProduct, folder: Path) -> None:
    """Remove a registration and its receipt file; one that a request names stays (FieldError)."""
    from portal.models import ServiceRequest

    named = session.scalar(
        select(ServiceRequest.reference).where(ServiceRequest.customer_product_id == owned.id)
    )
    if named is not None:
        raise FieldError(
            _l("This product is named in your request %(ref)s, so it stays registered.", ref=named)
        )
    if owned.receipt_stored_name:
        (folder / owned.receipt_stored_name).unlink(missing_ok=True)
    session.delete(owned)


def owned_products(session: Session, customer_id: int) -> list[CustomerProduct]:
    """A customer's registered products, newest purchase first."""
    return list(
        session.scalars(
            select(CustomerProduct)
            .where(CustomerProduct.user_id == customer_id)
            .order_by(CustomerProduct.purchased_on.desc(), CustomerProduct.id.desc())
        )
    )


WARRANTY_MONTHS_MAX = 240


def update_settings(product: Product, warranty_months: int | None, price: str, pattern: str) -> dict:
    """Set a product's warranty, list price and serial pattern (checked); returns the new values."""
    from portal.customers.orders import parse_amount

    if warranty_months is None or not 0 <= warranty_months <= WARRANTY_MONTHS_MAX:
        raise FieldError(
            _l("Give the warranty in months, 0 to %(n)d.", n=WARRANTY_MONTHS_MAX), "warranty_months"
        )
    try:
        price_cents = parse_amount(price or "0")
    except ValueError:
        raise FieldError(_l("Give the price like 1299.90."), "price") from None
    if price_cents > 2**31 - 1:
        raise FieldError(_l("Give the price like 1299.90."), "price")
    pattern = check_pattern(pattern)
    product.warranty_months, product.price_cents = warranty_months, price_cents
    product.serial_pattern = pattern
    return {
        "warranty_months": warranty_months,
        "price_cents": price_cents,
        "serial_pattern": product.serial_pattern,
    }
