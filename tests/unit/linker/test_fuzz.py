"""Issue #17: no input makes an exception escape, from the CLI (bytes) or the library."""

import json
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linker.cli as cli_module
from linker.cli import main
from tests.unit.linker.conftest import DATA

fuzz = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

TAGS = ["p", "h2", "br", "xmp", "plaintext", "textarea", "script", "a href=x", "b", "li", "![CDATA[", "!--"]
html_piece = st.one_of(
    st.sampled_from([f"<{t}>" for t in TAGS] + [f"</{t.split()[0]}>" for t in TAGS]),
    st.sampled_from(["<![>", "<![", "]]>", "-->", "<", ">", "&", "&amp", "&#x110000;", "&#0;", '"', "'"]),
    st.sampled_from(
        ["router", "washing machine", "pralka", "роутер", "killed", "\u00ad", "\u200b", "e\u0301"]
    ),
    st.text(max_size=6),
)
html_fragments = st.lists(html_piece, max_size=30).map("".join)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "lang": st.one_of(st.sampled_from(["en", "pl", "cs", "ru", "uk", "de", ""]), json_values),
        "text": st.one_of(st.text(max_size=60), json_values),
        "html": st.one_of(html_fragments, json_values),
    },
)
lines = st.one_of(
    documents.map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=80),
    st.sampled_from(
        [b"{", b'{"id": NaN}', b'{"id": 1e999, "text": "a"}', b'{"text": "\\udfff"}', b"\xff\xfe"]
    ),
)


@fuzz
@given(payload=st.lists(lines, min_size=1, max_size=6))
def test_the_cli_answers_every_line_with_strict_json(capsys, tmp_path_factory, linker, payload):
    shared = linker
    path = tmp_path_factory.mktemp("fuzz") / "in.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in payload) + b"\n")
    with mock.patch.object(cli_module, "Linker", lambda offers, policy: shared):  # built once
        assert main(["scan", "--offers", str(DATA / "offers.json"), str(path)]) == 0
    outputs = [
        json.loads(line, parse_constant=lambda c: 1 / 0) for line in capsys.readouterr().out.splitlines()
    ]
    assert len(outputs) == sum(1 for line in payload if line.replace(b"\n", b" ").strip())
    assert all("error" in out or "links" in out for out in outputs)


@fuzz
@given(html=html_fragments, lang=st.sampled_from([None, "en", "pl", "cs", "ru"]))
def test_the_library_takes_any_html(linker, html, lang):
    result = linker.scan_html(html, lang=lang, time_budget=30)
    assert result.html is not None and len(result.links) <= 3


@fuzz
@given(text=st.text(max_size=200), lang=st.sampled_from([None, "en", "pl", "cs", "ru"]))
def test_the_library_takes_any_text(linker, text, lang):
    result = linker.scan(text, lang=lang)
    assert all(text[link.start : link.end] == link.text for link in result.links)
