"""The `linker scan` contract: JSONL in, JSONL out, errors per line, exit 2 on bad offers."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linker.cli import main
from tests.unit.linker import scoring
from tests.unit.linker.conftest import DATA


def run_cli(capsys, args, stdin=""):
    import io

    sys_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(args)
    finally:
        sys.stdin = sys_stdin
    out = capsys.readouterr()
    return code, [json.loads(line) for line in out.out.splitlines()], out.err


def score(cases_path: Path, outputs: list[dict]) -> tuple[int, float]:
    cases = [json.loads(line) for line in cases_path.read_text().splitlines() if line.strip()]
    by_id = {o["id"]: o for o in outputs}
    embarrassing = expected = found = 0
    for case in cases:
        produced = {link["offer"] for link in by_id[case["id"]].get("links", [])}
        embarrassing += len(produced & set(case["nolink"]))
        expected += len(case["link"])
        found += len(produced & set(case["link"]))
    return embarrassing, found / expected


def test_our_labelled_cases_in_four_languages(capsys):
    code, outputs, _ = run_cli(
        capsys, ["scan", "--offers", str(DATA / "offers.json"), str(DATA / "linker_cases.jsonl")]
    )
    embarrassing, recall = score(DATA / "linker_cases.jsonl", outputs)
    assert code == 0 and embarrassing == 0 and recall >= 0.9


def test_the_development_set_scores_clean():
    """The team's development cases (vendored in tests/data, see SOURCES.md) through the real CLI."""
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "linker.cli",
            "scan",
            "--offers",
            str(DATA / "linker_dev_offers.json"),
            str(DATA / "linker_dev.jsonl"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    outputs = [json.loads(line) for line in cli.stdout.splitlines() if line.strip()]
    result = scoring.score(scoring.load_jsonl(DATA / "linker_dev.jsonl"), outputs)
    assert result.unsafe_slots > 0 and result.expected > 0
    assert result.embarrassing == 0, result.details
    assert result.zone_violations == 0 and result.errors == 0, result.details
    assert result.recall >= 0.9, result.details


def test_the_scorer_counts_embarrassing_links_zone_violations_and_gaps():
    cases = [
        {"id": "a", "kind": "accident", "text": "t", "link": [], "nolink": ["grill"]},
        {"id": "b", "kind": "safe", "html": "<h2>x</h2>", "link": ["router"], "nolink": []},
        {"id": "c", "kind": "safe", "text": "t", "link": ["tablet"], "nolink": []},
    ]
    outputs = [
        {"id": "a", "links": [{"offer": "grill"}]},
        {"id": "b", "links": [{"offer": "router"}], "html": '<h2><a href="/go/1" rel="sponsored">x</a></h2>'},
    ]
    result = scoring.score(cases, outputs)
    assert (result.embarrassing, result.zone_violations, result.errors, result.missed) == (1, 1, 1, 1)
    assert result.recall == 0.5


def test_bad_lines_give_errors_and_the_scan_goes_on(capsys):
    stdin = "\n".join(
        [
            "{not json",
            json.dumps([1, 2]),
            json.dumps({"id": "no-text"}),
            json.dumps({"id": "ok", "lang": "en", "text": "Restart the router.", "extra": 1}),
            json.dumps({"id": "empty", "text": ""}),
            json.dumps({"id": "de", "lang": "de", "text": "Der Router ist gut."}),
        ]
    )
    code, outputs, _ = run_cli(capsys, ["scan", "--offers", str(DATA / "offers.json"), "-"], stdin)
    assert code == 0 and len(outputs) == 6
    assert (
        "error" in outputs[0] and "error" in outputs[1] and outputs[2]["error"].startswith("each line needs")
    )
    assert outputs[3]["links"][0]["offer"] == "router"
    assert outputs[4]["links"] == [] and outputs[5]["links"] == [] and outputs[5]["warnings"]


@pytest.mark.parametrize(
    "offers,message",
    [
        ('[{"id": "x", "url": "ftp://a", "phrases": {"en": ["a"]}}]', "offer 'x', field 'url'"),
        ('[{"id": "x", "url": "https://a.example", "phrases": {"xx": ["a"]}}]', "field 'phrases.xx'"),
        ('[{"id": "x", "url": "https://a.example", "phrases": {"en": [""]}}]', "field 'phrases.en'"),
        ('[{"url": "https://a.example", "phrases": {"en": ["a"]}}]', "field 'id'"),
        ('{"id": "x"}', "JSON list"),
        ("[{,", "not valid JSON"),
    ],
)
def test_a_bad_offers_file_stops_with_exit_2_naming_the_problem(capsys, tmp_path, offers, message):
    path = tmp_path / "offers.json"
    path.write_text(offers)
    code, _out, err = run_cli(capsys, ["scan", "--offers", str(path), "-"], "")
    assert code == 2 and message in err


def test_huge_documents_of_10_mb_are_handled(linker):
    text = ("Clean the filter of your washing machine every month. " * 200 + "\n\n") * 1000
    assert len(text) > 10_000_000
    result = linker.scan(text, lang="en")
    assert [link.offer for link in result.links] == ["washing-machine"]


def test_a_case_title_is_context_for_its_text(capsys):
    """A "my wireless mouse does not work" article links "charge the mouse" (the offer requires
    a computer word, which only the title holds)."""
    lines = [
        {
            "id": "titled",
            "lang": "en",
            "title": "My wireless mouse does not work",
            "text": "Charge the mouse.",
        },
        {"id": "untitled", "lang": "en", "text": "Charge the mouse."},
        {"id": "bad", "lang": "en", "title": 3, "text": "Charge the mouse."},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines)
    code, outputs, _ = run_cli(capsys, ["scan", "--offers", str(DATA / "offers.json"), "-"], stdin)
    by_id = {o["id"]: o for o in outputs}
    assert [link["offer"] for link in by_id["titled"]["links"]] == ["mouse"]
    assert by_id["untitled"]["links"] == [] and by_id["bad"]["error"] == "'title' must be a string"
