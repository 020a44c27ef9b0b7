"""Issue #17.6 and #17.8: wrong or unsupported languages get no links; detection is lazy."""

from linker import detect
from linker.cli import _parser

UKRAINIAN = "Почистіть фільтр пральної машини раз на місяць, щоб вона довго працювала. Нова пральна машина."
SLOVAK = "Vyčistite filter práčky raz za mesiac, aby dlho fungovala. Nová práčka je pripravená."
POLISH = "Wyczyść filtr pralki raz w miesiącu, a będzie działać długo. Nowa pralka czeka na ciebie."


def test_untagged_ukrainian_is_not_taken_for_russian(linker):
    result = linker.scan(UKRAINIAN)
    assert result.links == [] and result.lang == "uk"
    assert "Ukrainian (uk) is not supported" in result.warnings[0]


def test_untagged_slovak_is_not_taken_for_czech(linker):
    result = linker.scan(SLOVAK)
    assert result.links == [] and result.lang == "sk"
    assert "Slovak (sk) is not supported" in result.warnings[0]


def test_polish_tagged_english_is_a_mismatch(linker):
    result = linker.scan(POLISH, lang="en")
    assert result.links == []
    assert result.warnings == ["document:language mismatch (tagged en, the text is Polish); no links"]


def test_ukrainian_tagged_russian_is_a_mismatch(linker):
    result = linker.scan_html(f"<p>{UKRAINIAN}</p>", lang="ru")
    assert result.links == [] and "mismatch" in result.warnings[0]


def test_the_right_tag_still_links(linker):
    assert [link.offer for link in linker.scan(POLISH, lang="pl").links] == ["washing-machine"]
    text = "Clean the filter of your washing machine every month, says our Łódź service team."
    assert [link.offer for link in linker.scan(text, lang="en").links] == ["washing-machine"]


def test_a_tagged_document_does_not_load_the_detector(linker):
    detect._detector.cache_clear()
    linker.scan("Clean the filter of your washing machine every month.", lang="en")
    linker.scan(POLISH, lang="pl")
    assert detect._detector.cache_info().currsize == 0
    linker.scan("Clean the filter of your washing machine every month.")
    assert detect._detector.cache_info().currsize == 1


def test_the_cli_help_says_lang_avoids_detection():
    scan = _parser()._subparsers._group_actions[0].choices["scan"]
    help_text = scan.format_help()
    assert "language model" in help_text and "--lang" in help_text
