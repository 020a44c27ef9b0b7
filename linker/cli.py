"""`linker scan --offers OFFERS.json [--lang LANG] [INPUT.jsonl | -] > OUTPUT.jsonl`"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from linker.core import Linker
from linker.errors import LinkerError
from linker.lemmas import SUPPORTED_LANGUAGES
from linker.offers import load_offers

EXIT_BAD_OFFERS = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linker", description="Link words in documents to offers, safely.")
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser("scan", help="scan JSONL documents and write one JSONL result per line")
    scan.add_argument("--offers", required=True, help="OFFERS.json: a list of offers")
    scan.add_argument(
        "--lang", choices=SUPPORTED_LANGUAGES, help="language of every document (else detected)"
    )
    scan.add_argument("--max-links", type=int, default=3, help="links per document (default 3)")
    scan.add_argument("input", nargs="?", default="-", help="INPUT.jsonl, or - for standard input")
    return parser


def scan_line(linker: Linker, line: str, default_lang: str | None) -> dict[str, Any]:
    """Scan one input line; a bad line gives {"id": ..., "error": ...}."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(item, dict):
        return {"id": None, "error": "each line must be a JSON object"}
    doc_id = item.get("id")
    lang = item.get("lang") or default_lang
    if lang is not None and not isinstance(lang, str):
        return {"id": doc_id, "error": "'lang' must be a string"}
    if isinstance(item.get("html"), str):
        result = linker.scan_html(item["html"], lang=lang)
    elif isinstance(item.get("text"), str):
        result = linker.scan(item["text"], lang=lang)
    else:
        return {"id": doc_id, "error": "each line needs a 'text' or 'html' string"}
    return {"id": doc_id, **result.to_dict()}


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        if line.strip():
            yield line


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `linker` console script."""
    args = _parser().parse_args(argv)
    try:
        offers = load_offers(args.offers)
        from linker.offers import Policy

        linker = Linker(offers, Policy(max_links=args.max_links))
    except (LinkerError, ValueError) as exc:
        print(f"linker: {exc}", file=sys.stderr)
        return EXIT_BAD_OFFERS
    stream = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")  # noqa: SIM115
    with stream:
        for line in _lines(stream):
            out = scan_line(linker, line, args.lang)
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
