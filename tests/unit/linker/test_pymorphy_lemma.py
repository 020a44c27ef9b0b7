"""Issue #13.6: Russian lemmas skip pymorphy3's ranking when it cannot change the normal form."""

from linker.lemmas import backend_for


def _ranked(morph, word: str) -> str:
    return morph.parse(word.replace("ё", "е"))[0].normal_form.replace("ё", "е")


def test_lemmas_are_the_first_ranked_normal_form():
    backend = backend_for("ru")
    morph = backend.morph
    seeds = ["роутер", "стали", "мыла", "три", "колонки", "работает", "печь", "вести", "ёлка", "косой"]
    words = {form.word for seed in seeds for parse in morph.parse(seed) for form in parse.lexeme}
    words |= {"Москва", "ТВ", "wi-fi", "зашибенно", "гуглить", "х"}
    assert all(backend._lemma(word) == _ranked(morph, word) for word in sorted(words))
    # both paths are taken: words with one normal form, and homonyms that need the ranking
    forms = [{p[2] for p in backend._unranked(word)} for word in sorted(words)]
    assert any(len(f) == 1 for f in forms) and any(len(f) > 1 for f in forms)


def test_without_unranked_analyses_the_ranked_parse_is_used(monkeypatch):
    backend = backend_for("ru")
    monkeypatch.setattr(backend, "_unranked", lambda word: [])  # another pymorphy3's internals
    for word in ["стали", "мыла", "роутер"]:
        assert backend._lemma(word) == _ranked(backend.morph, word)
