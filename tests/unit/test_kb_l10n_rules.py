"""Pure rules of kb-l10n: the outdated rule, the rendered block diff, personal-data stripping."""

import pytest

from knowledge_base.l10n import is_outdated
from knowledge_base.redact import strip_personal
from knowledge_base.rendered_diff import blocks, side_by_side


def test_outdated_only_after_a_major_change_newer_than_the_base():
    assert is_outdated(based_on_id=5, last_major_id=7)
    assert not is_outdated(based_on_id=7, last_major_id=7)  # translated from the major revision itself
    assert not is_outdated(based_on_id=9, last_major_id=7)  # translated from a later (minor) revision
    assert not is_outdated(based_on_id=5, last_major_id=None)  # only minor changes ever
    assert not is_outdated(based_on_id=None, last_major_id=7)  # legacy translation: base unknown


def test_blocks_split_at_blank_lines_but_keep_fenced_code_whole():
    text = "# Title\n\nFirst para\nstill first.\n\n```\ncode\n\nmore code\n```\n\n- a\n- b\n"
    assert blocks(text) == ["# Title", "First para\nstill first.", "```\ncode\n\nmore code\n```", "- a\n- b"]


def test_side_by_side_pairs_changed_blocks_and_renders_them_safely():
    old = "Intro.\n\nHold the button **5** seconds.\n\nDone."
    new = "Intro.\n\nHold the button **10** seconds.\n\n<script>alert(1)</script>\n\nDone."
    rows = side_by_side(old, new).rows
    kinds = [r.kind for r in rows]
    assert kinds == ["same", "changed", "added", "same"]
    assert "<strong>5</strong>" in rows[1].old_html and "<strong>10</strong>" in rows[1].new_html
    assert "<script>" not in rows[2].new_html and "&lt;script&gt;" in rows[2].new_html


def test_side_by_side_refuses_texts_beyond_its_budget():
    old = "\n\n".join(f"para {i}" for i in range(60))
    new = "\n\n".join(f"other {i}" for i in range(60))
    assert side_by_side(old, new, budget=1000).too_large
    assert not side_by_side(old, new, budget=5000).too_large


def test_strip_personal_removes_contacts_order_numbers_and_names():
    text = (
        "I am Jan Nowak (jan.nowak@example.com, +48 601 234 567). Order #A-12345 of 2024-05-01, "
        "zamówienie nr 99881, ref SR-2026-000123, call 601-234-567. Pozdrawiam, Jana Nowaka. "
        "The WM 8 washer spins at 1200 rpm."
    )
    out = strip_personal(text, ["Jan Nowak"])
    for secret in ("Jan ", "Nowak", "jan.nowak", "601", "12345", "99881", "000123"):
        assert secret not in out, secret
    assert "2024-05-01" in out and "WM 8" in out and "1200 rpm" in out  # dates and model facts stay
    assert "[email]" in out and "[phone]" in out and "[number]" in out and "[name]" in out


@pytest.mark.parametrize(
    "account",
    [
        "PL61109010140000071219812874",
        "PL61 1090 1014 0000 0712 1981 2874",
        "61 1090 1014 0000 0712 1981 2874",
        "DE89370400440532013000",
        "4111-1111-1111-1111",
    ],
)
def test_strip_personal_removes_ibans_and_account_numbers(account):
    out = strip_personal(f"Please refund to {account} today.")
    assert out == "Please refund to [number] today."


def test_strip_personal_removes_long_digit_runs_inside_words():
    out = strip_personal("Customer id C123456789, serial 98765xz, model WM 8 at 1200 rpm.")
    assert "123456789" not in out and "98765" not in out
    assert "WM 8" in out and "1200 rpm" in out


def test_strip_personal_matches_names_on_word_boundaries_only():
    text = "Bill asked about billing and bills; Ann wants the annual plan. Bill's card. Ann, thanks."
    out = strip_personal(text, ["Bill Smith", "Ann Lee"])
    assert "billing" in out and "bills" in out and "annual" in out
    assert out.count("[name]") == 4


def test_strip_personal_removes_inflected_forms_of_longer_names_only():
    out = strip_personal(
        "Dziękuję Nowakowi; Pan Nowaka; Novákovi; Иванову.", ["Jan Nowak", "Novák", "Иванов"]
    )
    assert "Nowak" not in out and "Novák" not in out and "Иванов" not in out
    assert strip_personal("Tomas and tomato", ["Tom"]) == "Tomas and tomato"
