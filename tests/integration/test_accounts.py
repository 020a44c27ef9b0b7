"""Registration, login, logout, account settings."""

import re

from sqlalchemy import select

from portal.mail import wait_for_deferred
from portal.models import AuditLog, User
from tests.conftest import TEST_PASSWORD, AuthActions, csrf_token

CONFIRM_RE = re.compile(r"http://127\.0\.0\.1:5000(/confirm/\S+)")
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="[^"]+"')  # signed with a timestamp
RESET_RE = re.compile(r"http://127\.0\.0\.1:5000(/reset-password/\S+)")


def register(client, **fields):
    data = {
        "name": "Ola Kowalska",
        "email": "Ola@Example.COM ",
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
        "csrf_token": csrf_token(client, "/register"),
    }
    data.update(fields)
    return client.post("/register", data=data)


def mail_bodies(app, smtp) -> list[str]:
    """The plain-text bodies the SMTP server received, once the background mail jobs are done."""
    wait_for_deferred(app)
    return [m.get_body(("plain",)).get_content() for m in smtp.messages]


def test_customer_registers_confirms_by_mail_and_is_logged_in(app, client, db, mail_to_smtp):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    user = db.scalar(select(User).where(User.email == "ola@example.com"))
    assert user is not None and user.role == "customer"
    assert user.password_hash.startswith("$argon2id$")
    assert user.email_confirmed_at is None
    assert "Ola Kowalska" not in client.get("/").get_data(as_text=True)  # not logged in yet

    refused = AuthActions(app.test_client()).login("ola@example.com")
    assert refused.status_code == 200 and "Confirm your address first" in refused.get_data(as_text=True)

    (body,) = mail_bodies(app, mail_to_smtp)
    assert mail_to_smtp.messages[0]["To"] == "ola@example.com"
    path = CONFIRM_RE.search(body).group(1)
    assert client.get(path).status_code == 200  # a page with a button: mail scanners only GET
    db.expire_all()
    assert db.get(User, user.id).email_confirmed_at is None
    confirmed = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert confirmed.status_code == 302
    assert "Ola Kowalska" in client.get("/").get_data(as_text=True)
    db.expire_all()
    assert db.get(User, user.id).email_confirmed_at is not None
    again = app.test_client().get(path)  # the link is spent
    assert again.status_code == 302 and again.headers["Location"].endswith("/login")
    assert AuthActions(app.test_client()).login("ola@example.com").status_code == 302


def test_registration_errors_keep_typed_values(client, db):
    response = register(client, password="short", password_confirm="other")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Ola Kowalska"' in html and "Ola@Example.COM" in html
    assert "at least 10 characters" in html
    assert 'aria-invalid="true"' in html
    assert db.scalar(select(User)) is None


def test_common_password_is_refused(client, db):
    html = register(client, password="password123", password_confirm="password123").get_data(as_text=True)
    assert "too common" in html
    assert db.scalar(select(User)) is None


def test_registration_answers_the_same_for_a_taken_address(app, users, db, mail_to_smtp):
    answers = []
    client = app.test_client()
    for email in ("CUSTOMER@example.com", "newcomer@example.com"):
        response = register(client, email=email)
        page = TOKEN_RE.sub("", client.get(response.headers["Location"]).get_data(as_text=True))
        answers.append((response.status_code, response.headers["Location"], page))
    assert answers[0] == answers[1]
    assert "Check your mailbox" in answers[0][2] and "already exists" not in answers[0][2]
    assert db.scalar(select(User).where(User.email == "customer@example.com")).name == "Customer"

    bodies = mail_bodies(app, mail_to_smtp)
    by_recipient = {m["To"]: body for m, body in zip(mail_to_smtp.messages, bodies, strict=True)}
    owner_mail = by_recipient["customer@example.com"]
    assert "tried to create a new Shopkeeper account" in owner_mail
    assert CONFIRM_RE.search(by_recipient["newcomer@example.com"])
    # the owner's mail carries a working reset link, and their password was not touched
    path = RESET_RE.search(owner_mail).group(1)
    assert app.test_client().get(path).status_code == 200
    assert AuthActions(app.test_client()).login("customer@example.com").status_code == 302


def test_login_and_logout(auth, client, users, db):
    response = auth.login("customer@example.com")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/account").status_code == 302
    actions = {a.action for a in db.scalars(select(AuditLog))}
    assert "login" in actions


def test_logout_needs_post(client, auth, users):
    auth.login("customer@example.com")
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_wrong_password_is_audited_and_refused(auth, users, db):
    response = auth.login("customer@example.com", "wrong-password-123")
    assert response.status_code == 200
    assert "not correct" in response.get_data(as_text=True)
    assert db.scalar(select(AuditLog).where(AuditLog.action == "login.failed")) is not None


def test_remember_me_sets_a_persistent_cookie(auth, users):
    response = auth.login("customer@example.com", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in cookies)


def test_next_redirect_only_to_this_site(auth, client, users):
    token = csrf_token(client, "/login")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/login?next={evil}",
            data={"email": "customer@example.com", "password": TEST_PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"]
        auth.logout()
        token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=/account",
        data={"email": "customer@example.com", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"].endswith("/account")


def test_account_page_updates_name_language_and_consent(client_as, db, users):
    client = client_as("customer2")
    token = csrf_token(client, "/account")
    response = client.post(
        "/account",
        data={
            "account-csrf_token": token,
            "csrf_token": token,
            "account-name": "Jan S.",
            "account-locale": "pl",
            "account-marketing_consent": "y",
        },
    )
    assert response.status_code == 302
    db.expire_all()
    user = db.get(User, users["customer2"].id)
    assert (user.name, user.locale, user.marketing_consent) == ("Jan S.", "pl", True)
    assert "Twoje konto" in client.get("/account").get_data(as_text=True)


def test_change_password_requires_the_current_one(client_as, users, auth, app):
    client = client_as("customer")
    token = csrf_token(client, "/account")
    bad = client.post(
        "/account",
        data={
            "pw-csrf_token": token,
            "pw-current_password": "nope-nope-nope",
            "pw-password": "a-new-long-passphrase",
            "pw-password_confirm": "a-new-long-passphrase",
        },
    )
    assert "not correct" in bad.get_data(as_text=True)
    good = client.post(
        "/account",
        data={
            "pw-csrf_token": token,
            "pw-current_password": TEST_PASSWORD,
            "pw-password": "a-new-long-passphrase",
            "pw-password_confirm": "a-new-long-passphrase",
        },
    )
    assert good.status_code == 302
    assert client.get("/account").status_code == 200  # this session survives
    other = app.test_client()
    from tests.conftest import AuthActions

    assert AuthActions(other).login("customer@example.com", "a-new-long-passphrase").status_code == 302
