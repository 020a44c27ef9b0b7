"""Real-world-shaped mails in en/pl/cs/ru parse to the text a person wrote (tests/data/mail)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.mail_in.html_text import html_to_text
from portal.mail_in.parse import MailParseError, decode_text, parse_mail
from portal.mail_in.quotes import latest_reply

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "mail"
EML = sorted(SAMPLES.glob("*.eml"))


def test_there_are_samples_in_every_language_from_every_client():
    names = {p.stem for p in EML}
    for lang in ("en", "pl", "cs", "ru"):
        assert {f"{lang}-gmail-reply", f"{lang}-outlook-reply"} <= names
    assert {"pl-thunderbird-reply", "cs-thunderbird-reply", "ru-thunderbird-reply"} <= names


@pytest.mark.parametrize("path", EML, ids=[p.stem for p in EML])
def test_sample_parses_to_the_expected_text(path):
    expected = path.with_name(path.stem + ".expected.txt").read_text(encoding="utf-8").strip()
    parsed = parse_mail(path.read_bytes())
    assert parsed.reply_text == expected
    assert "\ufffd" not in parsed.text  # every charset decoded without replacement characters


def test_charsets_are_decoded_from_the_declared_or_guessed_encoding():
    polish = "Zażółć gęślą jaźń, łódź i żółw."
    assert decode_text(polish.encode("windows-1250"), "windows-1250") == polish
    assert decode_text(polish.encode("iso-8859-2"), "iso-8859-2") == polish
    assert (
        decode_text("Съешь же ещё этих мягких булок.".encode("koi8-r"), "koi8-r")
        == "Съешь же ещё этих мягких булок."
    )
    assert decode_text(polish.encode(), "x-unknown-charset") == polish


def test_stray_legacy_bytes_in_utf8_keep_every_valid_character():
    raw = "Dzień dobry, ".encode() + "pralka się psuje".encode("windows-1250") + " – pilne!".encode()
    assert decode_text(raw, "utf-8") == "Dzień dobry, pralka się psuje – pilne!"
    cyrillic = "Привет, ".encode() + "машина".encode("windows-1251")
    assert decode_text(cyrillic, "utf-8") == "Привет, машина"


def test_html_only_mail_becomes_plain_text_without_markup_or_script():
    text = html_to_text(
        "<style>p{}</style><script>alert(1)</script><p>Hello <b>there</b></p><p>Line<br>next</p>"
        '<a href="javascript:alert(1)">click</a> <img src=x onerror=alert(1)>'
    )
    assert text == "Hello there\n\nLine\nnext\n\nclick"


def test_html_quotes_become_quoted_lines_that_are_cut():
    html = (
        '<div dir="ltr">It still leaks.</div><div class="gmail_quote"><div class="gmail_attr">'
        "On Mon, Dec 1, 2026 at 10:15 AM Support &lt;support@shop.example&gt; wrote:<br></div>"
        '<blockquote class="gmail_quote">Please check the seal.</blockquote></div>'
    )
    assert latest_reply(html_to_text(html)) == "It still leaks."


def test_sign_offs_are_cut_but_sentences_that_start_like_them_are_kept():
    assert latest_reply("Hi,\nThanks, that fixed it.\n") == "Hi,\nThanks, that fixed it."
    assert latest_reply("It works.\n\nThanks,\nJane Doe\n") == "It works."
    assert latest_reply("Działa.\n\nPozdrawiam\nJan Kowalski\n") == "Działa."
    assert latest_reply("Работает.\n\nС уважением,\nИван\n") == "Работает."
    assert latest_reply("Steps:\n- unplug it\n- wait\n") == "Steps:\n- unplug it\n- wait"


def test_a_mail_that_is_all_quote_keeps_its_text():
    assert latest_reply("> only a quote\n> nothing else\n") == "> only a quote\n> nothing else"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"Subject: no sender\r\n\r\nhello\r\n", "no sender"),
        (
            b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\nno parts here\r\n",
            "Boundary",
        ),
    ],
)
def test_unreadable_mail_raises_with_a_reason(raw, reason):
    with pytest.raises(MailParseError, match=reason):
        parse_mail(raw)


def test_a_mail_without_message_id_gets_a_stable_one():
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n"
    assert parse_mail(raw).message_id == parse_mail(raw).message_id
    assert parse_mail(raw).message_id != parse_mail(raw + b"!").message_id


def test_files_keep_inline_images_and_strip_folders_from_names():
    from portal.mail_in.attachments import accept_files
    from portal.mail_in.parse import MailFile
    from portal.requests.attachments import UploadLimits
    from tests.integration.mail_builders import PNG

    accepted, notes = accept_files(
        [MailFile("..\\..\\evil/photo.png", PNG, inline=True), MailFile("x.exe", b"MZ" + bytes(100))],
        UploadLimits(5, 1_000_000, 2_000_000),
    )
    assert [u.filename for u in accepted] == ["photo.png"]
    assert len(notes) == 1 and "x.exe" in notes[0]


def test_legacy_text_mislabelled_as_utf8_is_read_in_its_real_charset():
    russian = "Привет, стиральная машина не работает"
    czech = "Dobrý den, pračka se rozbila, prosím o opravu"
    assert decode_text(russian.encode("koi8-r"), "utf-8") == russian
    assert decode_text(czech.encode("windows-1250"), "utf-8") == czech


def test_raw_8bit_headers_are_read_like_legacy_text():
    raw = "From: a@example.org\r\nSubject: Стиральная машина сломалась\r\n\r\nhi\r\n".encode("koi8-r")
    assert parse_mail(raw).subject == "Стиральная машина сломалась"
    raw = "From: a@example.org\r\nSubject: Zażółć gęślą jaźń\r\n\r\nhi\r\n".encode("windows-1250")
    assert parse_mail(raw).subject == "Zażółć gęślą jaźń"


def test_a_sender_name_hiding_a_line_break_is_a_parse_error():
    raw = b"From: =?utf-8?q?Jan=0D=0ABcc:_x@evil.example?= <a@example.org>\r\nSubject: x\r\n\r\nhi\r\n"
    with pytest.raises(MailParseError, match="Unreadable sender"):
        parse_mail(raw)


def test_an_encoded_nul_in_a_header_is_dropped():
    raw = b"From: a@example.org\r\nSubject: =?utf-8?b?aGkAdGhlcmU=?=\r\n\r\nhi\r\n"
    assert parse_mail(raw).subject == "hithere"
