"""ERP order import: every bad row with its line and reason; all or nothing unless --partial."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.customers.orders import import_orders, parse_amount
from portal.models import OrderTotal
from tests.integration.customer_helpers import customer

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def good_and_bad(app, db) -> str:
    customer(app, db, "Anna")
    customer(app, db, "Boris")
    db.commit()
    return (
        "email,order_ref,total,ordered_on\n"
        "anna@example.com,O-1,1299.90,2026-01-05\n"  # line 2: good
        "nobody@example.com,O-2,10,2026-01-05\n"  # line 3: unknown customer
        'boris@example.com,O-3,"12,5",2026-01-06\n'  # line 4: good (decimal comma)
        "boris@example.com,O-4,ten,2026-01-06\n"  # line 5: bad amount
        f"anna@example.com,O-5,5.00,{TOMORROW}\n"  # line 6: future date
        "anna@example.com,O-1,3.00,2026-01-07\n"  # line 7: duplicate reference
        "anna@example.com,O-6,1.00\n"  # line 8: too few fields
        "anna@example.com,O-7,1.00,31/01/2026\n"  # line 9: bad date
    )


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(OrderTotal))


def test_any_bad_row_changes_nothing_and_every_bad_row_is_reported(app, db):
    report = import_orders(db, good_and_bad(app, db).splitlines(keepends=True), date.today())
    db.commit()
    assert count(db) == 0 and not report.written
    lines = [line for line, _reason in report.errors]
    assert lines == [3, 5, 6, 7, 8, 9]
    reasons = dict(report.errors)
    assert "nobody@example.com" in reasons[3] and "amount" in reasons[5] and "future" in reasons[6]
    assert "line 2" in reasons[7] and "fields" in reasons[8] and "date" in reasons[9]


def test_partial_imports_the_good_rows_and_lists_the_rest(app, db):
    report = import_orders(db, good_and_bad(app, db).splitlines(keepends=True), date.today(), partial=True)
    db.commit()
    assert report.written and report.created == 2 and len(report.errors) == 6
    totals = dict(db.execute(select(OrderTotal.order_ref, OrderTotal.total_cents)).all())
    assert totals == {"O-1": 129990, "O-3": 1250}


def test_reimporting_the_same_export_changes_nothing_and_a_new_total_updates(app, db):
    customer(app, db, "Anna")
    db.commit()
    text = "email,order_ref,total,ordered_on\nANNA@example.com,O-1,10.00,2026-01-05\n"
    assert import_orders(db, text.splitlines(True), date.today()).created == 1
    db.commit()
    again = import_orders(db, text.splitlines(True), date.today())
    assert (again.created, again.updated) == (0, 0)
    changed = import_orders(db, text.replace("10.00", "12.00").splitlines(True), date.today())
    db.commit()
    assert changed.updated == 1 and db.scalar(select(OrderTotal.total_cents)) == 1200


def test_an_order_of_another_customer_is_refused(app, db):
    customer(app, db, "Anna")
    customer(app, db, "Boris")
    db.commit()
    import_orders(
        db, ["email,order_ref,total,ordered_on\n", "anna@example.com,O-1,1,2026-01-01\n"], date.today()
    )
    db.commit()
    report = import_orders(
        db, ["email,order_ref,total,ordered_on\n", "boris@example.com,O-1,1,2026-01-01\n"], date.today()
    )
    assert report.errors == [(2, "order 'O-1' was imported before for another customer")]


def test_staff_accounts_are_not_customers(app, db, users):
    report = import_orders(
        db, ["email,order_ref,total,ordered_on\n", "agent@example.com,O-1,1,2026-01-01\n"], date.today()
    )
    assert report.errors and report.errors[0][0] == 2


def test_missing_header_columns_are_reported_on_line_1(app, db):
    report = import_orders(db, ["email,total\n", "a@example.com,1\n"], date.today())
    assert report.errors == [(1, "the header lacks column(s): order_ref, ordered_on")]


def test_line_numbers_count_physical_lines_of_quoted_multiline_fields(app, db):
    customer(app, db, "Anna")
    db.commit()
    text = (
        "email,order_ref,total,ordered_on,comment\n"
        'anna@example.com,O-1,1,2026-01-01,"two\nlines"\n'  # lines 2-3
        "\n"  # line 4: blank, skipped
        "anna@example.com,O-2,x,2026-01-01,\n"  # line 5
    )
    report = import_orders(db, text.splitlines(True), date.today())
    assert [line for line, _ in report.errors] == [5]


def test_amounts():
    assert parse_amount("1299.9") == 129990 and parse_amount("0,05") == 5 and parse_amount(" 7 ") == 700
    for bad in ("-5", "1.234", "1,234.00", "1e3", "", "9999999999999"):
        try:
            parse_amount(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_cli_reports_lines_and_exits_2_or_imports_with_partial(app, db, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(good_and_bad(app, db), encoding="utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["customers", "import-orders", str(path)])
    assert refused.exit_code == 2
    assert f"{path}:3: no customer account" in refused.output and "nothing imported" in refused.output
    assert count(db) == 0
    partial = runner.invoke(args=["customers", "import-orders", str(path), "--partial"])
    assert (
        partial.exit_code == 1 and "2 order(s) imported" in partial.output and f"{path}:9:" in partial.output
    )
    assert count(db) == 2
    path.write_bytes(b"email,order_ref,total,ordered_on\n\xff\xfe\n")
    assert runner.invoke(args=["customers", "import-orders", str(path)]).exit_code == 1  # not UTF-8


def upload(client, text: str, partial: bool = False):
    import io

    from tests.conftest import csrf_token

    data = {
        "csrf_token": csrf_token(client, "/staff/customers/import"),
        "orders": (io.BytesIO(text.encode()), "o.csv"),
    }
    if partial:
        data["partial"] = "y"
    return client.post("/staff/customers/import", data=data, content_type="multipart/form-data")


def test_admins_import_on_the_web_page_with_the_same_rules(app, db, users, client_as):
    text = good_and_bad(app, db)
    admin = client_as("admin")
    refused = upload(admin, text)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Nothing was imported: 6 rows are bad." in page
    assert "<td>3</td><td>no customer account with the email" in page.replace("&#39;", "'")
    assert count(db) == 0
    partial = upload(admin, text, partial=True)
    assert partial.status_code == 200 and "2 orders imported, 0 updated." in partial.get_data(as_text=True)
    assert count(db) == 2
    from portal.models import AuditLog

    assert db.scalar(select(AuditLog).where(AuditLog.action == "orders_imported")).details["created"] == 2
    assert client_as("agent").get("/staff/customers/import").status_code == 403
    assert client_as("customer").get("/staff/customers/import").status_code == 404
