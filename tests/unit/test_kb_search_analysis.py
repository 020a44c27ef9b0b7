"""Query analysis shared by both search engines: words kept, lemmas, folding, typo candidates."""

from knowledge_base.search.analysis import MAX_QUERY_TERMS, fold, normalise, query_terms
from knowledge_base.search.plan import RELATED_WEIGHT, SUBSTITUTE_WEIGHT, plan
from knowledge_base.search.synonyms import related
from knowledge_base.search.typos import corrections, edits1


def test_a_long_query_keeps_every_meaningful_word():
    query = "Back up anything that you cannot bear to lose if something goes wrong"
    terms = query_terms(query, "en")
    assert {"back", "anyth", "bear", "lose", "goe", "wrong"} <= set(terms)
    assert "that" not in terms and "you" not in terms


def test_a_request_description_is_not_cut_to_a_few_words():
    words = "printer paper tray jammed office laptop wireless network driver update screen toner cartridge"
    assert len(query_terms(words, "en")) == len(words.split()) <= MAX_QUERY_TERMS


def test_inflected_forms_share_a_lemma():
    assert normalise("pralki", "pl") == normalise("pralka", "pl")
    assert normalise("tiskárny", "cs") == normalise("tiskárna", "cs")
    assert normalise("принтера", "ru") == normalise("принтер", "ru")


def test_diacritics_are_folded_in_polish_and_czech_only():
    assert normalise("hasło", "pl") == "haslo"
    assert normalise("tiskárna", "cs") == "tiskarna"
    assert fold("ёлка", "ru") == "елка"
    assert fold("йод", "ru") == "йод"
    assert fold("café", "en") == "café"


def test_stopwords_typed_without_diacritics_are_dropped():
    assert query_terms("jak sie polaczyc z siecia", "pl")[0] == "polaczyc"
    assert query_terms("jak się połączyć z siecią", "pl")[0] == "polaczyc"
    assert query_terms("proc to nefunguje", "cs") == query_terms("proč to nefunguje", "cs") == ["fungovat"]


def test_edits_cover_the_four_kinds_of_typo():
    candidates = edits1("wifi", "en")
    assert {"wfi", "iwfi", "wiff", "wiffi"} <= candidates
    assert "wifi" not in candidates
    assert "печать" in edits1("пачать", "ru")


def test_corrections_look_up_candidates_only():
    vocabulary = {"printer": 7, "print": 9, "paper": 3}
    asked = []

    def known(words):
        words = set(words)
        asked.append(words)
        return {w: n for w, n in vocabulary.items() if w in words}

    def with_prefix(prefix):
        return {w: n for w, n in vocabulary.items() if w.startswith(prefix)}

    assert corrections("prnter", "en", known, with_prefix) == ["printer"]
    assert all("paper" not in words for words in asked)
    assert corrections("pri", "en", known, with_prefix) == []


def test_a_word_without_diacritics_falls_back_to_known_words_with_its_prefix():
    vocabulary = {"zapomniec": 4, "zapomniany": 1, "zapisac": 9}

    def known(words):
        return {w: vocabulary[w] for w in words if w in vocabulary}

    def with_prefix(prefix):
        return {w: n for w, n in vocabulary.items() if w.startswith(prefix)}

    assert corrections("zapomnialem", "pl", known, with_prefix) == ["zapomniec"]


def test_the_plan_keeps_known_words_corrects_unknown_ones_and_adds_related_words():
    vocabulary = {"wireless": 5, "network": 9, "printer": 2}

    def known(words):
        return {w: vocabulary[w] for w in words if w in vocabulary}

    groups = plan("wifi prnter zzzz network", "en", known, lambda prefix: {})
    by_word = {g.word: dict(g.terms) for g in groups}
    assert set(by_word) == {"wifi", "prnter", "network"}
    # "wifi" is not in the articles: its related words stand in for it at SUBSTITUTE_WEIGHT
    assert by_word["wifi"] == {"wireless": SUBSTITUTE_WEIGHT, "network": SUBSTITUTE_WEIGHT}
    assert by_word["prnter"] == {"printer": 0.7}
    assert by_word["network"] == {"network": 1.0}


def test_related_words_of_an_indexed_word_count_less_than_the_word():
    vocabulary = {"laptop": 3, normalise("computer", "en"): 9}

    def known(words):
        return {w: vocabulary[w] for w in words if w in vocabulary}

    [group] = plan("laptop", "en", known, lambda prefix: {})
    assert dict(group.terms) == {"laptop": 1.0, normalise("computer", "en"): RELATED_WEIGHT}


def test_a_corrected_word_keeps_its_own_related_words():
    vocabulary = {"load": 5, normalise("volume", "en"): 3}

    def known(words):
        return {w: vocabulary[w] for w in words if w in vocabulary}

    # "loud" is not in the articles: corrected to "load", and its own related word "volume" counts too
    [group] = plan("loud", "en", known, lambda prefix: {})
    assert dict(group.terms) == {"load": 0.7, normalise("volume", "en"): RELATED_WEIGHT}


def test_everyday_words_map_to_help_words_in_every_language():
    assert "wireless" in related("wifi", "en")
    assert normalise("akumulator", "pl") in related(normalise("bateria", "pl"), "pl")
    assert normalise("počítač", "cs") in related(normalise("notebook", "cs"), "cs")
    assert normalise("компьютер", "ru") in related(normalise("ноутбук", "ru"), "ru")


def test_a_query_longer_than_max_groups_searches_for_its_rarest_words():
    from knowledge_base.search.plan import MAX_GROUPS

    words = [f"word{chr(97 + n)}" for n in range(MAX_GROUPS + 3)]
    vocabulary = {normalise(w, "en"): 100 - n for n, w in enumerate(words)}  # later words are rarer

    def known(found):
        return {w: vocabulary[w] for w in found if w in vocabulary}

    groups = plan(" ".join(words), "en", known, lambda prefix: {})
    assert [g.word for g in groups] == [normalise(w, "en") for w in words[3:]]
    short = plan(" ".join(words[:MAX_GROUPS]), "en", known, lambda prefix: {})
    assert len(short) == MAX_GROUPS
