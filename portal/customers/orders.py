"""Import order totals from an ERP: a CSV export or JSON items through the API (`POST /api/v1/orders`).

Every bad row is reported with its line (CSV) or item number (API) and reason. Columns (CSV header
row required, any order, extra columns ignored): `email` (the customer's account), `order_ref`
(unique per order), `total` (e.g. 1299.90; a dot or a comma for decimals, no thousands separators),
`ordered_on` (YYYY-MM-DD). Importing the same order again updates its total, so a re-run of the
same export changes nothing. Nothing is written when any row is bad, unless `partial` is asked
for: then the good rows are written and the bad ones listed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import OrderTotal, Role, User

REQUIRED = ("email", "order_ref", "total", "ordered_on")
REF_MAX: int = OrderTotal.__table__.c.order_ref.type.length
#: Totals above this (cents) are refused as a typing error (a billion in the currency unit).
TOTAL_MAX_CENTS = 100_000_000_000
_AMOUNT = re.compile(r"^(\d{1,12})(?:[.,](\d{1,2}))?$")
_LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class OrderRow:
    """One good row of the file."""

    line: int
    email: str
    order_ref: str
    total_cents: int
    ordered_on: date


@dataclass
class ImportReport:
    """What an import did: rows written, and every bad row as (line, reason)."""

    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    written: bool = False


def parse_amount(raw: str) -> int:
    """An amount like "1299.9" or "1299,90" in cents; ValueError otherwise."""
    match = _AMOUNT.match(raw.strip())
    if match is None:
        raise ValueError(f"total {raw.strip()[:40]!r} is not an amount like 1299.90")
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents > TOTAL_MAX_CENTS:
        raise ValueError("total is implausibly large")
    return cents


def check_row(fields: Mapping[str, Any], line: int, today: date, seen: dict[str, int]) -> OrderRow:
    """One order's fields checked (the same rules for a CSV row and an API item); ValueError otherwise.

    `seen` maps the references already accepted in this import to their line (duplicates refused).
    """
    email = str(fields.get("email") or "").strip().lower()
    ref = str(fields.get("order_ref") or "").strip()
    if not email:
        raise ValueError("email is empty")
    if not ref or len(ref) > REF_MAX:
        raise ValueError(f"order_ref must have 1 to {REF_MAX} characters")
    total = fields.get("total")
    if isinstance(total, bool) or not isinstance(total, str | int | float):
        raise ValueError("total is not an amount like 1299.90")
    cents = parse_amount(f"{total:.2f}" if isinstance(total, float) else str(total))
    try:
        ordered_on = date.fromisoformat(str(fields.get("ordered_on") or "").strip())
    except ValueError:
        raise ValueError("ordered_on is not a date like 2026-03-31") from None
    if ordered_on > today:
        raise ValueError("ordered_on is in the future")
    if ref in seen:
        raise ValueError(f"order_ref {ref!r} already appears on line {seen[ref]}")
    seen[ref] = line
    return OrderRow(line, email, ref, cents, ordered_on)


def parse_csv(lines: Iterable[str], today: date) -> tuple[list[OrderRow], list[tuple[int, str]]]:
    """The good rows of a CSV export and every bad one as (line, reason)."""
    reader = csv.reader(lines)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [(1, "the header lacks column(s): " + ", ".join(missing))]
    index = {name: header.index(name) for name in REQUIRED}
    good, errors, seen = [], [], {}
    for raw in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in raw):
            continue  # blank line
        if len(raw) < len(header):
            errors.append((line, f"{len(raw)} fields, the header has {len(header)}"))
            continue
        try:
            good.append(check_row({name: raw[i] for name, i in index.items()}, line, today, seen))
        except ValueError as exc:
            errors.append((line, str(exc)))
    return good, errors


def parse_items(
    items: Iterable[Mapping[str, Any]], today: date
) -> tuple[list[OrderRow], list[tuple[int, str]]]:
    """The good orders of an API import and every bad one as (item number from 1, reason)."""
    good, errors, seen = [], [], {}
    for number, item in enumerate(items, start=1):
        try:
            good.append(check_row(item, number, today, seen))
        except ValueError as exc:
            errors.append((number, str(exc)))
    return good, errors


def _chunks(items: list, size: int = _LOOKUP_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _resolve(session: Session, rows: list[OrderRow]) -> tuple[dict[str, int], dict[str, OrderTotal]]:
    """Customer ids by email and existing orders by reference, looked up in chunks."""
    customers: dict[str, int] = {}
    for chunk in _chunks(sorted({r.email for r in rows})):
        found = session.execute(
            select(User.email, User.id).where(User.email.in_(chunk), User.role == Role.CUSTOMER)
        )
        customers.update({email: user_id for email, user_id in found})
    existing: dict[str, OrderTotal] = {}
    for chunk in _chunks([r.order_ref for r in rows]):
        existing.update(
            {
                o.order_ref: o
                for o in session.scalars(select(OrderTotal).where(OrderTotal.order_ref.in_(chunk)))
            }
        )
    return customers, existing


def import_orders(
    session: Session, lines: Iterable[str], today: date, *, partial: bool = False
) -> ImportReport:
    """Check every CSV row, then write all of them, or (with `partial`) the good ones; never commits."""
    rows, errors = parse_csv(lines, today)
    return write_orders(session, rows, errors, partial=partial)


def write_orders(
    session: Session, rows: list[OrderRow], errors: list[tuple[int, str]], *, partial: bool = False
) -> ImportReport:
    """Resolve the customers of checked rows and write them: all, none when any row is bad, or
    (with `partial`) the good ones. `errors` are the parse errors so far. Never commits."""
    errors = list(errors)
    customers, existing = _resolve(session, rows)
    valid = []
    for row in rows:
        customer_id = customers.get(row.email)
        if customer_id is None:
            errors.append((row.line, f"no customer account with the email {row.email[:80]!r}"))
        elif row.order_ref in existing and existing[row.order_ref].user_id != customer_id:
            errors.append((row.line, f"order {row.order_ref!r} was imported before for another customer"))
        else:
            valid.append((row, customer_id))
    report = ImportReport(errors=sorted(errors))
    if errors and not partial:
        return report
    for row, customer_id in valid:
        order = existing.get(row.order_ref)
        if order is None:
            session.add(
                OrderTotal(
                    order_ref=row.order_ref,
                    user_id=customer_id,
                    total_cents=row.total_cents,
                    ordered_on=row.ordered_on,
                )
            )
            report.created += 1
        elif (order.total_cents, order.ordered_on) != (row.total_cents, row.ordered_on):
            order.total_cents, order.ordered_on = row.total_cents, row.ordered_on
            report.updated += 1
    session.flush()
    report.written = True
    return report


def record_import(session: Session, actor: User | None, report: ImportReport, via: str) -> None:
    """Put a written import in the audit log (`via`: "web", "api" or "cli"); the caller commits."""
    audit.record(
        session,
        "orders_imported",
        actor=actor,
        created=report.created,
        updated=report.updated,
        bad_rows=len(report.errors),
        via=via,
    )
