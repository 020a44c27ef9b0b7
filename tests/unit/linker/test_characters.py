"""Issue #17.5: hidden and look-alike characters are normalised before matching; offsets
still point into the original text."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linker.html import parse_html
from linker.normalize import normalize
from tests.unit.linker.conftest import linked
from tests.unit.linker.test_html import text_of

SHY, ZWSP, ZWJ, BOM = "\u00ad", "\u200b", "\u200d", "\ufeff"
CYRILLIC_O, CYRILLIC_E, LATIN_O = "\u043e", "\u0435", "o"


@pytest.mark.parametrize(
    "word",
    [f"rou{SHY}ter", f"r{ZWSP}outer", f"ro{ZWJ}ut{BOM}er", f"r{CYRILLIC_O}uter", f"rout{CYRILLIC_E}r"],
)
def test_hidden_or_look_alike_characters_in_a_product_word_still_link(linker, word):
    text = f"Place the {word} high on a shelf."
    result = linker.scan(text, lang="en")
    assert linked(result) == {"router"}
    link = result.links[0]
    assert text[link.start : link.end] == link.text == word


@pytest.mark.parametrize("word", [f"kil{SHY}led", f"k{ZWSP}illed", "k\u0456lled", f"ki{SHY}ll{CYRILLIC_E}d"])
def test_hidden_characters_do_not_hide_a_tragedy(linker, word):
    text = f"Two people were {word} when their washing machine caught fire."
    result = linker.scan(text, lang="en")
    assert result.links == []
    assert any("killed" in reason for b in result.blocked for reason in map(str, b.reasons))


def test_decomposed_czech_letters_link(linker):
    text = unicodedata.normalize("NFD", "Nová pračka stojí v koupelně.")
    result = linker.scan(text, lang="cs")
    assert linked(result) == {"washing-machine"}
    link = result.links[0]
    assert text[link.start : link.end] == link.text == unicodedata.normalize("NFD", "pračka")


def test_decomposed_polish_tragedy_is_seen(linker):
    text = unicodedata.normalize("NFD", "W pożarze zginął człowiek, a pralka spłonęła.")
    result = linker.scan(text, lang="pl")
    assert result.links == []
    assert any("zginął" in reason for b in result.blocked for reason in map(str, b.reasons))


def test_latin_look_alikes_in_a_russian_word_link(linker):
    word = "р" + LATIN_O + "утер"
    text = f"Новый {word} стоит на полке."
    result = linker.scan(text, lang="ru")
    assert linked(result) == {"router"}
    assert text[result.links[0].start : result.links[0].end] == word


def test_a_plain_word_in_another_script_is_left_alone():
    text = "iPhone и роутер"
    assert normalize(text)[0] == text


def test_hidden_characters_inside_html(linker):
    html = f"<p>Place the <b>new</b> rou{SHY}ter high.</p>"
    result = linker.scan_html(html, lang="en")
    assert linked(result) == {"router"}
    link = result.links[0]
    assert text_of(html)[link.start : link.end] == f"rou{SHY}ter"
    assert f'data-offer="router">rou{SHY}ter</a>' in result.html


def test_the_offset_map_round_trips():
    text = f"a{SHY}b e\u0301 r{CYRILLIC_O}uter{ZWSP}"
    normalized, offsets = normalize(text, inserts=[3])
    assert normalized == "ab\n é router"
    for i, ch in enumerate(normalized):
        original = text[offsets.start(i) : offsets.end(i + 1)]
        assert (
            ch == "\n"
            and original == ""
            or unicodedata.normalize("NFC", original.replace(SHY, ""))
            in (
                ch,
                ch.translate({ord(LATIN_O): CYRILLIC_O}),
            )
        )


HIDDEN = st.sampled_from([SHY, ZWSP, ZWJ, BOM, "\u0301", "\u030c", CYRILLIC_O, CYRILLIC_E, "\u0456"])
PRODUCT = st.sampled_from(["router", "washing machine", "pračka", "роутер", "killed", "pralka", "tablet"])


@st.composite
def disguised(draw):
    """A product or sensitive word with hidden or look-alike characters put inside."""
    word = list(draw(PRODUCT))
    for _ in range(draw(st.integers(0, 3))):
        word.insert(draw(st.integers(0, len(word))), draw(HIDDEN))
    return "".join(word)


FILLER = st.sampled_from(["Place the", "a new", ".", "\n\n", "not", "<b>", "</b>", "<p>", "</p>", "<br>"])
documents = st.lists(st.one_of(disguised(), FILLER, st.text(max_size=4)), max_size=12).map(" ".join)
fast = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fast
@given(text=documents, lang=st.sampled_from(["en", "cs", "ru", "pl"]))
def test_offsets_always_point_at_the_linked_text(linker, text, lang):
    result = linker.scan(text, lang=lang)
    for item in [*result.links, *result.blocked]:
        assert text[item.start : item.end] == item.text
        assert item.text == item.text.strip(SHY + ZWSP + ZWJ + BOM)


@fast
@given(html=documents, lang=st.sampled_from(["en", "cs", "ru", "pl"]))
def test_html_offsets_always_point_at_the_linked_text(linker, html, lang):
    result = linker.scan_html(html, lang=lang)
    content = parse_html(html).document.text
    for item in [*result.links, *result.blocked]:
        assert content[item.start : item.end] == item.text
    assert text_of(result.html) == text_of(html)
