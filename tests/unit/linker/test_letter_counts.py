"""Issue #13.6: the letter counts that judge a language tag, counted without a list per letter."""

import re

from hypothesis import given
from hypothesis import strategies as st

from linker.detect import _doubtful, _letters

LATIN, CYRILLIC = re.compile(r"[a-zA-Z\u00c0-\u024f]"), re.compile(r"[\u0400-\u04ff]")
ALPHABET = st.sampled_from(
    "aZ09 _-\n.éřžąłńÀɏɐȀ\u0300ЖжёЁѣії\u04ff\u0500ß€😀×÷ÿ¿\u0080\u00bf\u0240\u024f\u03ff"
)


def reference(sample: str) -> tuple[int, int]:
    return sum(bool(LATIN.match(ch)) for ch in sample), sum(bool(CYRILLIC.match(ch)) for ch in sample)


@given(st.text(ALPHABET, max_size=300))
def test_letters_are_counted_one_by_one(sample):
    assert _letters(sample) == reference(sample)


def test_ascii_text_counts_its_letters():
    assert _letters("Hello, world 42_x") == (11, 0)


def test_a_lone_surrogate_does_not_stop_the_count():
    assert _letters("Žluť\ud800ДА") == (4, 2)


def test_foreign_letters_in_a_tagged_text_make_it_doubtful():
    english = "This is a plain English sentence about routers and wireless networks. " * 2
    assert not _doubtful(english, "en")
    assert _doubtful("Přečtěte si návod k routeru, který je v krabici s příslušenstvím.", "en")
    assert _doubtful(english, "ru")
