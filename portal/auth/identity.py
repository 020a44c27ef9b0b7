"""Canonical forms of what people type as their identity: email addresses and names.

Two spellings that look the same to a person must be the same account and the same
rate-limit bucket: `victim@example。com` (ideographic full stop), fullwidth letters,
zero-width or bidi characters all fold into one address here. Domains that mix
scripts inside one label (`exаmple.com` with a Cyrillic "а") are refused outright.
"""

from __future__ import annotations

import re
import unicodedata

import idna

#: Dots that IDNA (UTS #46) treats as label separators.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_SPACES = re.compile(r"\s+")


def strip_invisible(text: str) -> str:
    """Remove control (Cc) and format (Cf) characters: NUL, CR/LF, bidi overrides, zero-width joiners."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


def clean_text(text: str) -> str:
    """NFKC-normalise, drop invisible characters and collapse runs of white space."""
    text = unicodedata.normalize("NFKC", text or "")
    text = strip_invisible(text.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    return _SPACES.sub(" ", text).strip()


def clean_name(name: str) -> str:
    """A person's display name as it is stored: see `clean_text`."""
    return clean_text(name)


def label_scripts(label: str) -> set[str]:
    """The Unicode scripts of the letters in one domain label (digits and hyphens have none)."""
    scripts = set()
    for ch in label:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            scripts.add(name.split(" ")[0] if name else "UNKNOWN")
    return scripts


def has_mixed_script_label(domain: str) -> bool:
    """True when one label of `domain` mixes letters of several scripts (a homograph)."""
    return any(len(label_scripts(label)) > 1 for label in domain.split("."))


def split_address(raw: str) -> tuple[str, str]:
    """Clean an address and split it at its last @ into (local part, Unicode domain)."""
    text = clean_text(raw).translate(_DOTS).replace(" ", "")
    local, _, domain = text.rpartition("@")
    return local, domain.strip(".")


def ascii_domain(domain: str) -> str:
    """The IDNA (punycode) form of a domain, or its lower-cased text when it is not valid IDNA."""
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain.casefold()


def limit_key(raw: str) -> str:
    """The one key an address is counted under: NFKC, invisible characters gone, casefolded, IDNA domain."""
    local, domain = split_address(raw or "")
    if not domain:
        return local.casefold()[:254]
    return f"{local.casefold()}@{ascii_domain(domain)}"[:254]
