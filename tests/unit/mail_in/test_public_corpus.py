"""Mails from public reply-parser corpora (tests/data/mail/public, see SOURCES.md) cut to the new text.

The samples are the corpora's own test mails, copied unchanged. Each expected text follows the corpus'
own expectation where it has one (crisp-oss/email-reply-parser: the first fragment is the Lorem-ipsum
paragraph; alfonsrv/mail-parser-reply: the reply body without its signature; mailgun/talon: "Hello" for
its standard replies, "Hi. I am fine." plus a sign-off for its HTML replies), otherwise what an agent
should see when reading the mail. Where a corpus keeps the sign-off ("Thanks, Alex", "Sent from my
iPhone") the portal cuts it, as for every mail. No public Czech reply sample with a usable licence was
found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.mail_in.html_text import html_to_text
from portal.mail_in.parse import parse_mail
from portal.mail_in.quotes import latest_reply

PUBLIC = Path(__file__).resolve().parents[2] / "data" / "mail" / "public"
MPR = "mail-parser-reply"
CRISP = "crisp-email-reply-parser"

#: crisp-oss/email-reply-parser's COMMON_FIRST_FRAGMENT (test/test.js), the reply in most of its fixtures.
LOREM = "\n".join(
    [
        "Fusce bibendum, quam hendrerit sagittis tempor, dui turpis tempus erat, pharetra sodales ante sem"
        " sit amet metus.",
        "Nulla malesuada, orci non vulputate lobortis, massa felis pharetra ex, convallis consectetur ex"
        " libero eget ante.",
        "Nam vel turpis posuere, rhoncus ligula in, venenatis orci. Duis interdum venenatis ex a rutrum.",
        "Duis ut libero eu lectus consequat consequat ut vel lorem. Vestibulum convallis lectus urna,",
        "et mollis ligula rutrum quis. Fusce sed odio id arcu varius aliquet nec nec nibh.",
    ]
)

#: (language, corpus folder, file, expected new text)
CASES = [
    # Polish: Outlook header block above the text, `Dnia … napisał(a):`, `W dniu … napisał:`
    ("pl", MPR, "email_pl_1_1.txt", "Czesc Anno,\n\nJak się masz?"),
    ("pl", MPR, "email_pl_1_2.txt", "Czesc Anno,\n\nJak się masz?"),
    ("pl", MPR, "email_pl_1_3.txt", "Cześć Anno,\n\nJak się masz?"),
    ("pl", CRISP, "email_14.txt", LOREM),
    ("pl", CRISP, "email_16.txt", LOREM),
    # Russian: Gmail `ср, 30 апр. 2025 г. в 15:19, John Doe <doe@example.com>:` with an unquoted history
    ("ru", CRISP, "email_russian.txt", LOREM),
    # English: Gmail (wrapped attribution), Outlook for iOS, iPhone, `-----original message-----`, `-Name`
    ("en", MPR, "email_gmail.txt", "This is a test for inbox replying to a github message."),
    (
        "en",
        MPR,
        "outlook.txt",
        "Dear Team,\n\nHello\n\nWhat is the best way to clear a Riak bucket of all key, values after\n"
        "running a test?\n\nMy number is: +00 0000 000 000",
    ),
    ("en", MPR, "email_1_3.txt", "Oh thanks.\n\nHaving the function would be great."),
    ("en", MPR, "email_sent_from_iPhone.txt", "Here is another email"),
    ("en", CRISP, "email_gmail_split_line_from.txt", LOREM),
    ("en", CRISP, "email_ios_outlook.txt", LOREM),
    ("en", CRISP, "email_original_message.txt", LOREM),
]


TALON = PUBLIC / "talon"
#: mailgun/talon: whole .eml files from mail clients (reply "Hello") and HTML bodies (reply "Hi. I am fine.")
TALON_EML = [
    "android",
    "apple_mail",
    "apple_mail_2",
    "gmail",
    "hotmail",
    "iphone",
    "outlook",
    "thunderbird",
    "yahoo",
]
#: mail_ru and yandex_ru are Russian webmail layouts (`… от Alexander L <abc@example.com>:`,
#: `26.06.2014, 14:41,
#: "Alexander L" <abc@example.com>:`) around English text.
TALON_HTML = ["gmail", "mail_ru", "ms_outlook_2010", "thunderbird", "yandex_ru"]


@pytest.mark.parametrize("name", TALON_EML)
def test_talon_client_mail_parses_to_the_reply(name):
    parsed = parse_mail((TALON / "standard_replies" / f"{name}.eml").read_bytes())
    assert parsed.reply_text == "Hello"


@pytest.mark.parametrize("name", TALON_HTML)
def test_talon_html_reply_becomes_the_reply_text(name):
    html = (TALON / "html_replies" / f"{name}.html").read_text(encoding="utf-8")
    assert latest_reply(html_to_text(html)) == "Hi. I am fine."


WATCHDOG = PUBLIC / "watchdog-imap-to-webhook"


def test_a_real_polish_gmail_reply_parses_to_the_new_text():
    """Gmail, wrapped `pt., 27 cze 2025 o 09:36 … <` / `…> napisał(a):`, plural sign-off "Pozdrawiamy"."""
    parsed = parse_mail((WATCHDOG / "quote_and_pl_characters.eml").read_bytes())
    assert parsed.reply_text == (
        "Odpowiedź z polskimi znakami:\nĄą Cć Eę Ńń Łł Żż Źź\n\n"
        "Bez załącznika za to z emotikonakami:\n👍😉🫡😃🤔🤣"
    )
    assert "MIT License" in (WATCHDOG / "LICENSE").read_text(encoding="utf-8")


def test_talons_iphone_expectation_is_the_reply_and_the_device_line_the_portal_cuts():
    expected = (TALON / "standard_replies" / "iphone_reply_text").read_text(encoding="utf-8").strip()
    assert expected == "Hello\n\nSent from my iPhone"


@pytest.mark.parametrize(
    ("language", "corpus", "name", "expected"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_public_sample_cuts_to_the_new_text(language, corpus, name, expected):
    text = (PUBLIC / corpus / name).read_text(encoding="utf-8")
    assert latest_reply(text) == expected


def test_every_vendored_sample_has_an_expectation_and_a_licence():
    vendored = {(p.parent.name, p.name) for p in PUBLIC.glob("*/*.txt")}
    assert vendored == {(corpus, name) for _, corpus, name, _ in CASES}
    for folder in {corpus for _, corpus, _, _ in CASES}:
        assert "MIT License" in (PUBLIC / folder / "LICENSE").read_text(encoding="utf-8")
    assert {p.stem for p in (TALON / "standard_replies").glob("*.eml")} == set(TALON_EML)
    assert {p.stem for p in (TALON / "html_replies").glob("*.html")} == set(TALON_HTML)
    assert "Apache License" in (TALON / "LICENSE").read_text(encoding="utf-8")


def test_an_attribution_inside_the_text_without_an_address_is_not_history():
    text = "My colleague wrote:\nthe pump is loud.\nCan you check it?"
    assert latest_reply(text) == text


def test_a_bottom_posted_reply_keeps_the_text_below_the_quote():
    text = "On Mon, Jane <jane@shop.example> wrote:\n> Is it fixed?\n\nYes, since Monday.\n\nThanks,\nBob\n"
    assert latest_reply(text) == "Yes, since Monday."
