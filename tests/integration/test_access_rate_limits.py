"""Login rate limits hold per email address and per client address, each on its own."""

from tests.conftest import csrf_token


def attempt(client, token: str, email: str, address: str) -> int:
    """One wrong-password login from `address`; the status code."""
    data = {"email": email, "password": "wrong-password-x", "csrf_token": token}
    return client.post("/login", data=data, environ_overrides={"REMOTE_ADDR": address}).status_code


def test_one_email_is_limited_even_from_many_addresses(client, users):
    token = csrf_token(client, "/login")
    codes = [attempt(client, token, "customer@example.com", f"10.0.0.{n}") for n in range(1, 8)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]


def test_one_address_is_limited_even_with_many_emails(client, users):
    token = csrf_token(client, "/login")
    codes = [attempt(client, token, f"guess{n}@example.com", "10.0.1.1") for n in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]


def test_the_limits_are_separate_for_other_emails_and_addresses(client, users):
    token = csrf_token(client, "/login")
    for n in range(6):
        attempt(client, token, "customer@example.com", f"10.0.2.{n}")
    assert attempt(client, token, "customer2@example.com", "10.0.3.1") == 200
