"""Public references SR-<year>-<6 digits>, unique under concurrency (one atomic upsert)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models import ReferenceCounter


def allocate_reference(session: Session, year: int) -> str:
    """Take the next number of `year` atomically: INSERT … ON CONFLICT DO UPDATE … RETURNING."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = ReferenceCounter.__table__
    statement = (
        dialect.insert(table)
        .values(year=year, last_value=1)
        .on_conflict_do_update(index_elements=[table.c.year], set_={"last_value": table.c.last_value + 1})
        .returning(table.c.last_value)
    )
    number = session.execute(statement).scalar_one()
    return f"SR-{year}-{number:06d}"
