"""The languages of the portal's interface and content: the one list every part reads."""

from __future__ import annotations

#: Interface and article languages, English first (the fallback).
LOCALES: tuple[str, ...] = ("en", "pl", "cs", "ru")
DEFAULT_LOCALE = LOCALES[0]
