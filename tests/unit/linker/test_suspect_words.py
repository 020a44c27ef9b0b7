"""Issue #13.6: the words normalisation examines are found without a regex try per letter."""

from hypothesis import given, settings
from hypothesis import strategies as st

from linker.normalize import _SUSPECT, _WORD, _suspect_words, normalize

ALPHABET = st.sampled_from("aZx_9 .-\n\u00ad\u200b\u0301\u0483жЖё\u0456ßé😀")


def reference(text: str) -> list[tuple[int, int]]:
    """The words as the one-regex scan found them (the implementation before issue 13.6)."""
    words, done = [], -1
    for suspect in _SUSPECT.finditer(text):
        if suspect.start() < done:
            continue
        start = suspect.start()
        while start > 0 and _WORD.match(text, start - 1):
            start -= 1
        word = _WORD.match(text, start)
        if word is not None:
            done = word.end()
            words.append(word.span())
    return words


@settings(max_examples=400)
@given(st.text(ALPHABET, max_size=80))
def test_the_same_words_in_the_same_order(text):
    assert [word.span() for word in _suspect_words(text)] == reference(text)


def test_mixed_words_in_either_majority_script():
    russian = "Подключите рoутер к сети Wi-Fi и проверьте связь."  # Latin "o" inside a Russian word
    assert [w.group() for w in _suspect_words(russian)] == ["рoутер"]
    assert normalize(russian)[0].startswith("Подключите роутер")
    english = "Connect the rоuter to the Wi-Fi network, then check it."  # Cyrillic "о"
    assert [w.group() for w in _suspect_words(english)] == ["rоuter"]
