"""Password reset through a real SMTP server."""

import re

from portal.auth.services import ResetTokens
from portal.mail import wait_for_deferred
from tests.conftest import AuthActions, csrf_token

# Links come from PORTAL_BASE_URL (the development default here), never from the request's Host.
LINK_RE = re.compile(r"http://127\.0\.0\.1:5000/reset-password/(\S+)")


def request_reset(client, email, **kwargs):
    """Ask for a reset link; returns once the background mail job is done."""
    token = csrf_token(client, "/reset-password")
    response = client.post("/reset-password", data={"email": email, "csrf_token": token}, **kwargs)
    wait_for_deferred(client.application)
    return response


def test_reset_link_arrives_by_smtp_and_works_once(app, client, users, mail_to_smtp):
    assert request_reset(client, "Customer@Example.com").status_code == 302
    assert len(mail_to_smtp.messages) == 1
    message = mail_to_smtp.messages[0]
    assert message["To"] == "customer@example.com"
    body = message.get_body(("plain",)).get_content()
    reset_token = LINK_RE.search(body).group(1)

    url = f"/reset-password/{reset_token}"
    form_token = csrf_token(client, url)
    response = client.post(
        url,
        data={
            "password": "brand-new-passphrase",
            "password_confirm": "brand-new-passphrase",
            "csrf_token": form_token,
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert (
        AuthActions(app.test_client()).login("customer@example.com", "brand-new-passphrase").status_code
        == 302
    )

    again = client.get(url)
    assert again.status_code == 302 and "/reset-password" in again.headers["Location"]


def test_no_mail_for_unknown_address(client, mail_to_smtp):
    request_reset(client, "nobody@example.com")
    assert mail_to_smtp.messages == []


def test_reset_mail_is_in_the_users_language(client, users, db, mail_to_smtp):
    users["customer"].locale = "pl"
    db.commit()
    request_reset(client, "customer@example.com")
    assert "Witaj" in mail_to_smtp.messages[0].get_body(("plain",)).get_content()


def test_expired_or_forged_tokens_are_refused(app, users, db):
    tokens = ResetTokens(app.config["SECRET_KEY"], max_age=-1)
    assert tokens.user_for(db, tokens.make(users["customer"])) is None
    forged = ResetTokens("another-secret-key-of-some-length", 3600).make(users["customer"])
    assert ResetTokens(app.config["SECRET_KEY"]).user_for(db, forged) is None
    assert ResetTokens(app.config["SECRET_KEY"]).user_for(db, "garbage") is None


def test_outbox_transport_writes_eml_files(app, client, users, tmp_path):
    app.config["MAIL_URL"], previous = f"outbox://{tmp_path}", app.config["MAIL_URL"]
    try:
        request_reset(client, "customer@example.com")
    finally:
        app.config["MAIL_URL"] = previous
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1 and b"reset-password/" in files[0].read_bytes()


def test_a_mail_outage_gives_the_same_answer_and_no_error_page(app, client, users):
    previous = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    try:
        response = request_reset(client, "customer@example.com")
    finally:
        app.config["MAIL_URL"] = previous
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
