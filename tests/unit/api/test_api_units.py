"""Pieces of the API that need no app: cursors, token format, the reference page's type names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from werkzeug.exceptions import BadRequest

from portal.api import tokens
from portal.api.docs import fields_of, type_of
from portal.api.pagination import Sort, decode, encode
from portal.models import ServiceRequest

BY_CREATED = Sort(ServiceRequest.created_at, ServiceRequest.id, True)
BY_ID = Sort(ServiceRequest.id, ServiceRequest.id, False, "int")


def test_a_cursor_carries_the_sort_value_and_id():
    moment = datetime(2026, 5, 1, 12, 30, tzinfo=UTC)
    assert decode(encode(moment, 42), BY_CREATED) == (moment, 42)
    assert decode(encode(7, 7), BY_ID) == (7, 7)


@pytest.mark.parametrize(
    "cursor", ["", "garbage!", encode("not a date", 1), encode(1, True), encode(2**40, 1)]
)
def test_a_cursor_we_did_not_issue_is_a_400(cursor):
    with pytest.raises(BadRequest):
        decode(cursor, BY_CREATED if "date" in str(cursor) else BY_ID)


def test_token_prefix_is_parsed_only_from_well_formed_tokens():
    assert tokens.parse("shk_0123456789ab_secret") == "0123456789ab"
    for raw in ("shk_0123456789ab_", "abc_0123456789ab_x", "shk_0123456789AB_x", "shk_short_x", "x" * 300):
        assert tokens.parse(raw) is None
    assert tokens.hash_token("a") != tokens.hash_token("b") and len(tokens.hash_token("a")) == 64


def test_reference_type_names():
    assert (
        type_of({"type": "array", "items": {"$ref": "#/components/schemas/RequestItem"}})
        == "array of RequestItem"
    )
    assert type_of({"type": ["string", "null"], "format": "date-time"}) == "string (date-time) or null"
    rows = fields_of({"required": ["a"], "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}})
    assert rows == [
        {"name": "a", "type": "integer", "required": True, "description": ""},
        {"name": "b", "type": "string", "required": False, "description": ""},
    ]
