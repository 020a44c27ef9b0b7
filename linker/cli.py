"""`linker scan --offers OFFERS.json [--lang LANG] [INPUT.jsonl | -] > OUTPUT.jsonl`"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

from linker.core import Linker
from linker.errors import LinkerError
from linker.lemmas import SUPPORTED_LANGUAGES
from linker.offers import load_offers

EXIT_BAD_OFFERS = 2
MAX_LINE_BYTES = 64 * 1024 * 1024  # a longer line is reported, not parsed
MAX_NESTING = 64  # JSON objects and arrays nested deeper than this are refused before parsing


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linker", description="Link words in documents to offers, safely.")
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser("scan", help="scan JSONL documents and write one JSONL result per line")
    scan.add_argument("--offers", required=True, help="OFFERS.json: a list of offers")
    scan.add_argument(
        "--lang",
        choices=SUPPORTED_LANGUAGES,
        help="language of every document; documents without a language (no --lang, no 'lang' field) "
        "are identified first, which loads a language model (about 0.1 s and 40 MB once)",
    )
    scan.add_argument("--max-links", type=int, default=3, help="links per document (default 3)")
    scan.add_argument("input", nargs="?", default="-", help="INPUT.jsonl, or - for standard input")
    return parser


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting(line: str) -> int:
    """How deeply arrays and objects nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(line):
        ch = token.group()
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(value: Any) -> bool:
    """True if a string anywhere in `value` holds a lone surrogate (not encodable as UTF-8)."""
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _echo_id(value: Any) -> Any:
    """The document id as it may be echoed in strict JSON (else None)."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def parse_line(line: str) -> dict[str, Any]:
    """Decode one JSON line with limits; ValueError names what is wrong."""
    if line.count("[") + line.count("{") > MAX_NESTING and _nesting(line) > MAX_NESTING:
        raise ValueError(f"invalid JSON: nested deeper than {MAX_NESTING} levels")
    try:
        item = json.loads(line, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from exc
    except (ValueError, RecursionError) as exc:  # 4,300+ digit integers, NaN, deep nesting
        raise ValueError(f"invalid JSON: {exc}") from exc
    if not isinstance(item, dict):
        raise ValueError("each line must be a JSON object")
    return item


def scan_line(linker: Linker, line: str, default_lang: str | None) -> dict[str, Any]:
    """Scan one input line; a bad line gives {"id": ..., "error": ...}."""
    try:
        item = parse_line(line)
    except ValueError as exc:
        return {"id": None, "error": str(exc)}
    doc_id = _echo_id(item.get("id"))
    if doc_id is None and item.get("id") is not None:
        return {"id": None, "error": "'id' must be a string or a finite number"}
    if _has_surrogate(item):
        return {"id": None if _has_surrogate(doc_id) else doc_id, "error": "text holds a lone surrogate"}
    lang = item.get("lang") or default_lang
    if lang is not None and not isinstance(lang, str):
        return {"id": doc_id, "error": "'lang' must be a string"}
    title = item.get("title") or ""
    if not isinstance(title, str):
        return {"id": doc_id, "error": "'title' must be a string"}
    if isinstance(item.get("html"), str):
        result = linker.scan_html(item["html"], lang=lang, title=title)
    elif isinstance(item.get("text"), str):
        result = linker.scan(item["text"], lang=lang, title=title)
    else:
        return {"id": doc_id, "error": "each line needs a 'text' or 'html' string"}
    return {"id": doc_id, **result.to_dict()}


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, str | None, str]]:
    """(line number, decoded line or None, error) of each non-blank line, read as bytes."""
    for number, raw in enumerate(_raw_lines(stream), start=1):
        if raw is None:
            yield number, None, f"line longer than {MAX_LINE_BYTES} bytes"
            continue
        if not raw.strip():
            continue
        try:
            yield number, raw.decode("utf-8"), ""
        except UnicodeDecodeError as exc:
            yield number, None, f"invalid UTF-8 at byte {exc.start}"


def _raw_lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """Lines as bytes; None for a line over MAX_LINE_BYTES (its rest is skipped)."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(MAX_LINE_BYTES)
            yield None
            continue
        yield line


def scan_numbered(linker: Linker, number: int, line: str | None, error: str, lang: str | None) -> str:
    """The output line (strict JSON) for input line `number`; nothing escapes but a JSON error."""
    out = {"id": None, "error": error} if line is None else scan_line(linker, line, lang)
    if "error" in out:
        out["line"] = number
    try:
        return json.dumps(out, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError) as exc:
        return json.dumps({"id": None, "error": f"unprintable result: {exc}", "line": number})


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
    stream = _binary(sys.stdin) if args.input == "-" else open(args.input, "rb")  # noqa: SIM115
    with stream:
        for number, line, error in _lines(stream):
            sys.stdout.write(scan_numbered(linker, number, line, error, args.lang) + "\n")
    return 0


def _binary(stream: Any) -> IO[bytes]:
    """The byte stream under a text stream (tests may hand a StringIO)."""
    if hasattr(stream, "buffer"):
        return stream.buffer
    import io

    return io.BytesIO(stream.read().encode("utf-8", "surrogatepass"))


if __name__ == "__main__":
    sys.exit(main())
