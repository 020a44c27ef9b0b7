"""Issue #17.1: one bad document never stops the batch; the output is always strict JSON."""

import json

import pytest

from linker.cli import MAX_NESTING, main
from tests.unit.linker.conftest import DATA

GOOD = json.dumps({"id": "after", "lang": "en", "text": "Restart the router."}).encode()

BAD_LINES = {
    "invalid utf-8": b'{"id": "x", "text": "caf\xc3 router"}',
    "lone surrogate": b'{"id": "x", "lang": "en", "text": "\\ud800 router"}',
    "4,300+ digit number": b'{"id": 1' + b"1" * 5000 + b', "text": "router"}',
    "deep nesting": b'{"id": "x", "text": "router", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "NaN id": b'{"id": NaN, "text": "router"}',
    "infinite id": b'{"id": 1e999, "text": "router"}',
    "Infinity value": b'{"id": "x", "text": "router", "weight": -Infinity}',
}


def scan_bytes(capsys, tmp_path, payload: bytes) -> list[dict]:
    path = tmp_path / "input.jsonl"
    path.write_bytes(payload)
    assert main(["scan", "--offers", str(DATA / "offers.json"), str(path)]) == 0
    out = capsys.readouterr().out
    # strict JSON: no NaN/Infinity, no lone surrogates
    return [json.loads(line, parse_constant=pytest.fail) for line in out.splitlines()]


@pytest.mark.parametrize("name", list(BAD_LINES))
def test_a_bad_line_gets_an_error_with_its_number_and_the_scan_goes_on(capsys, tmp_path, name):
    payload = GOOD + b"\n\n" + BAD_LINES[name] + b"\n" + GOOD + b"\n"
    outputs = scan_bytes(capsys, tmp_path, payload)
    assert len(outputs) == 3
    assert outputs[0]["links"][0]["offer"] == "router"
    assert outputs[1]["line"] == 3 and outputs[1]["error"] and outputs[1]["id"] in (None, "x")
    assert outputs[2]["id"] == "after" and outputs[2]["links"][0]["offer"] == "router"


def test_nesting_within_the_limit_is_accepted(capsys, tmp_path):
    nested = b"[" * (MAX_NESTING - 1) + b"]" * (MAX_NESTING - 1)
    line = b'{"id": "n", "lang": "en", "text": "A router.", "x": ' + nested + b"}"
    outputs = scan_bytes(capsys, tmp_path, line + b"\n")
    assert "error" not in outputs[0] and outputs[0]["links"]


def test_brackets_inside_strings_do_not_count_as_nesting(capsys, tmp_path):
    line = json.dumps({"id": "b", "lang": "en", "text": "[" * 500 + " a router"}).encode()
    outputs = scan_bytes(capsys, tmp_path, line + b"\n")
    assert "error" not in outputs[0] and outputs[0]["links"][0]["offer"] == "router"


def test_html_that_crashed_the_parser_is_scanned(capsys, tmp_path):
    line = json.dumps({"id": "h", "lang": "en", "html": '<![><img src="]><p>A router.</p>'}).encode()
    outputs = scan_bytes(capsys, tmp_path, line + b"\n" + GOOD + b"\n")
    assert "error" not in outputs[0] and len(outputs) == 2


def test_non_ascii_text_is_echoed_as_utf8(capsys, tmp_path):
    line = json.dumps({"id": "ł", "lang": "pl", "text": "Nowa pralka w domu."}, ensure_ascii=False)
    outputs = scan_bytes(capsys, tmp_path, line.encode() + b"\n")
    assert outputs[0]["id"] == "ł" and outputs[0]["links"][0]["offer"] == "washing-machine"
