"""ERP order totals pushed through the API: the same checks as the CSV import, all or nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_login import current_user

from portal import access
from portal.api.auth import scope
from portal.api.blueprint import bp
from portal.api.errors import api_error, field_error, problem
from portal.api.idempotency import idempotent
from portal.api.schemas import OrderImportIn, OrderImportOut
from portal.customers.orders import parse_items, record_import, write_orders
from portal.db import get_session


@bp.post("/orders")
@idempotent
@bp.input(OrderImportIn, location="json")
@bp.output(OrderImportOut)
@bp.doc(
    tags=["Customers"],
    responses={403: "Admins only", 422: "Bad orders (nothing written unless `partial`)"},
)
@scope("orders:write")
def import_orders(json_data: dict[str, Any]):
    """Create or update order totals (the value behind the ABC classification), as the CSV import does.

    Every bad order is reported with its position and reason. Without `partial` nothing is written
    when any order is bad (422); with it the good ones are written and the bad ones listed (200).
    """
    if not access.allows(current_user, access.Action.ADMINISTER):
        raise api_error(403, "Only administrators import orders.")
    db = get_session()
    rows, errors = parse_items(json_data["orders"], date.today())
    report = write_orders(db, rows, errors, partial=json_data["partial"])
    if not report.written:
        db.rollback()
        return problem(
            422,
            f"{len(report.errors)} of {len(json_data['orders'])} orders are bad; nothing was written.",
            errors=[field_error(f"orders.{item}", reason) for item, reason in report.errors],
        )
    record_import(db, current_user, report, "api")
    db.commit()
    return {
        "created": report.created,
        "updated": report.updated,
        "written": True,
        "errors": [{"item": item, "reason": reason} for item, reason in report.errors],
    }
