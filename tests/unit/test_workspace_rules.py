"""Workspace rules without an app: saved-view queries, tag names, reason parsing."""

import pytest

from knowledge_base.errors import FieldError
from portal.requests.saved_views import clean_query
from portal.requests.tags import TAG_MAX, clean_tag, split_tags


def test_a_saved_view_keeps_only_queue_filters_in_a_fixed_order():
    raw = "?sort=age&next=//evil.example&assignee=me&status=open&page=3&tag=vip"
    assert clean_query(raw) == "status=open&assignee=me&tag=vip&sort=age"


def test_empty_filters_are_left_out():
    assert clean_query("status=&priority=&assignee=unassigned") == "assignee=unassigned"


def test_tag_names_are_trimmed_single_spaced_and_lower_case():
    assert clean_tag("  Extended   Warranty ") == "extended warranty"


@pytest.mark.parametrize("bad", ["", "   ", "a,b", "x" * (TAG_MAX + 1), "bell\x07"])
def test_bad_tag_names_are_refused(bad):
    with pytest.raises(FieldError):
        clean_tag(bad)


def test_comma_separated_tags_are_cleaned_without_duplicates():
    assert split_tags("VIP, warranty ,vip,, ") == ["vip", "warranty"]
