"""CSV exports of the dashboard's tables (cells that would start a spreadsheet formula are escaped)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from portal.insights.dashboard import BACKLOG_LABELS, MEASURES, Dashboard
from portal.marketing.reports import csv_cell

#: The tables that can be exported: ?table=<name>.
TABLES = ("summary", "trends", "backlog", "csat", "searches")


def _rows(board: Dashboard, table: str) -> Iterable[list[Any]]:
    if table == "summary":
        yield ["measure", "unit", "period", "previous_period"]
        for key, _label, unit in MEASURES:
            yield [key, unit, _plain(board.current.get(key)), _plain(board.previous.get(key))]
    elif table == "trends":
        keys = list(board.trends)
        yield ["slot_start", *keys]
        for i, label in enumerate(board.trend_labels):
            yield [label, *(_plain(board.trends[k][i]) for k in keys)]
    elif table == "backlog":
        yield ["age", "open_requests"]
        for key in BACKLOG_LABELS:
            yield [key, board.backlog.get(key, 0)]
    elif table == "csat":
        yield ["rating", "requests"]
        for rating, count in board.csat_distribution.items():
            yield [rating, count]
    elif table == "searches":
        yield ["query", "locale", "searches_without_result"]
        for row in board.searches:
            yield [row["query"], row["locale"], row["count"]]
    else:
        raise KeyError(table)


def _plain(value: float | None) -> Any:
    return "" if value is None else round(value, 4) if isinstance(value, float) else value


def to_csv(board: Dashboard, table: str) -> str:
    """One dashboard table as CSV text; KeyError for an unknown table."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(board, table):
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()
