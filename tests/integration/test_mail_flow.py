# ruff: noqa: F811  (pytest fixtures imported from mail_fixtures are redefined as parameters)
"""The issue's "Done means", end to end against real servers (Dovecot for IMAP, aiosmtpd for SMTP).

A customer who never opened the portal writes to the support address, gets an acknowledgement with
suggested articles, the agent answers from the queue with a file, the customer answers from their
mail client (quoting the whole mail), and both sides read one clean thread that names the channel of
every message. Replies by mail to resolved requests reopen them within the window, else follow up.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest
from sqlalchemy import select

from knowledge_base.db import utcnow
from portal.mail_ids import reference_from_message_id
from portal.models import RequestStatus, ServiceRequest, User
from tests.conftest import AuthActions, csrf_token
from tests.integration.kb_helpers import publish_article
from tests.integration.mail_builders import PNG, mail
from tests.integration.mail_fixtures import dovecot_server, imap_account  # noqa: F401 (fixtures)
from tests.integration.mailout_helpers import text_of
from tests.integration.requests_helpers import catalog, handling_form, submit
from tests.integration.test_mail_in_imap import add_mailbox, fetch

GUEST = "jan.novak@example.org"
PASSWORD = "a-long-guest-password-42"
MANUAL = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
CHANNEL_RE = re.compile(r'<span class="message__channel">([^<]+)</span>')


def reply_from_mail_client(received, body: str, sender: str = GUEST, photo: bytes | None = None) -> bytes:
    """The customer's answer as a mail client writes it: the whole mail quoted under "On … wrote:"."""
    answer = EmailMessage()
    answer["From"] = f"Jan Novak <{sender}>"
    answer["To"] = received["Reply-To"] or received["From"]
    answer["Subject"] = "Re: " + received["Subject"]
    answer["Date"] = formatdate()
    answer["Message-ID"] = make_msgid(domain="client.example")
    answer["In-Reply-To"] = received["Message-ID"]
    answer["References"] = " ".join(filter(None, [received["References"], received["Message-ID"]]))
    quoted = "\n".join("> " + line if line else ">" for line in text_of(received).splitlines())
    answer.set_content(f"{body}\n\nOn {received['Date']}, {received['From']} wrote:\n{quoted}\n")
    if photo is not None:
        answer.add_attachment(photo, maintype="image", subtype="png", filename="filter.png")
    return answer.as_bytes()


def messages_to(smtp, address: str) -> list:
    return [m for m in smtp.messages if m["To"] == address]


def reload(db, reference: str) -> ServiceRequest:
    db.expire_all()
    return db.scalar(select(ServiceRequest).where(ServiceRequest.reference == reference))


@pytest.fixture
def support(app, db, users, imap_account):
    """A support mailbox, a laundry category and articles that may answer a washer question."""
    catalog(db)
    db.commit()
    for n, title in enumerate(["Washing machine does not spin", "Washing machine drum is stuck"]):
        publish_article(
            app,
            db,
            slug=f"washer-spin-{n}",
            title=title,
            body="When the washing machine does not spin, check the load balance and the drain filter.",
            tags=("washing machine",),
        )
    add_mailbox(db, imap_account)
    return imap_account


def first_request_by_mail(app, db, support, smtp):
    """A stranger mails support; returns the request and the acknowledgement they received."""
    support.deliver(
        mail(
            sender=f"Jan Novak <{GUEST}>",
            subject="Washing machine does not spin",
            body="Hello,\n\nmy washing machine does not spin since Monday.\n\nJan\n",
        )
    )
    [report] = fetch(app)
    assert report.counts() == {"request": 1}
    request = db.scalar(select(ServiceRequest))
    [ack] = messages_to(smtp, GUEST)
    return request, ack


def test_a_stranger_mails_support_and_the_whole_thread_reads_cleanly_on_both_sides(
    app, db, users, support, client, client_as, mail_to_smtp
):
    request, ack = first_request_by_mail(app, db, support, mail_to_smtp)
    guest = db.scalar(select(User).where(User.email == GUEST))
    assert request.customer_id == guest.id and request.channel == "email"
    assert request.description.startswith("Hello,") and "since Monday" in request.description

    # the acknowledgement: threaded (signed Message-ID), suggested articles, a set-password link
    secret = app.config["SECRET_KEY"]
    assert reference_from_message_id(secret, ack["Message-ID"]) == request.reference
    assert f"[{request.reference}]" in ack["Subject"]
    ack_text = text_of(ack)
    assert ack_text.count("/kb/en/a/washer-spin-") == 2
    link = re.search(r"https?://\S+/welcome/\S+", ack_text).group(0)

    # the agent answers from the web queue with a file
    agent = client_as("agent")
    form = handling_form(agent, request.reference)
    data = {**form, "body": "Please check the drain filter; the manual is attached.", "status": "open"}
    data["attachments"] = [(io.BytesIO(MANUAL), "manual.pdf")]
    response = agent.post(
        f"/staff/requests/{request.reference}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    answers = messages_to(mail_to_smtp, GUEST)
    assert len(answers) == 2
    answer = answers[1]
    assert answer["In-Reply-To"] == ack["Message-ID"]
    assert ack["Message-ID"] in answer["References"]
    assert reference_from_message_id(secret, answer["Message-ID"]) == request.reference
    assert "check the drain filter" in text_of(answer)
    [attached] = list(answer.iter_attachments())
    assert attached.get_filename() == "manual.pdf" and attached.get_content() == MANUAL

    # the customer answers from their mail client, quoting everything
    support.deliver(
        reply_from_mail_client(answer, "Thank you, the filter was blocked. It spins now!", photo=PNG)
    )
    [report] = fetch(app)
    assert report.counts() == {"reply": 1}
    request = reload(db, request.reference)
    assert db.scalar(select(ServiceRequest).where(ServiceRequest.id != request.id)) is None
    last = request.messages[-1]
    assert last.body == "Thank you, the filter was blocked. It spins now!"
    assert last.channel == "email" and last.author_id == guest.id
    [photo] = last.attachments  # filed with the reply it came with
    assert photo.original_name == "filter.png" and photo.content_type == "image/png"

    # both sides read one clean thread and see every message's channel
    staff_page = agent.get(f"/staff/requests/{request.reference}").get_data(as_text=True)
    path = "/" + link.split("/", 3)[3]
    token = csrf_token(client, path)
    response = client.post(
        path, data={"password": PASSWORD, "password_confirm": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert AuthActions(client).login(GUEST, PASSWORD).status_code == 302
    customer_page = client.get(f"/requests/{request.reference}").get_data(as_text=True)
    for page in (staff_page, customer_page):
        assert "It spins now!" in page and "check the drain filter" in page
        assert "wrote:" not in page and "&gt; " not in page
        assert CHANNEL_RE.findall(page) == ["via the portal", "by email"]  # the replies
        assert page.count("by email") == 2  # and the request itself
        assert "manual.pdf" in page and "filter.png" in page


def test_a_mail_reply_within_the_reopen_window_reopens_the_request(
    app, db, users, support, client_as, mail_to_smtp
):
    request, ack = first_request_by_mail(app, db, support, mail_to_smtp)
    agent = client_as("agent")
    submit(
        agent, request.reference, handling_form(agent, request.reference), body="Fixed.", status="resolved"
    )
    assert reload(db, request.reference).status == RequestStatus.RESOLVED
    resolved_mail = messages_to(mail_to_smtp, GUEST)[-1]
    stored = reload(db, request.reference)
    stored.assignee_id = users["agent"].id
    db.commit()

    support.deliver(reply_from_mail_client(resolved_mail, "Sorry, it stopped spinning again."))
    [report] = fetch(app)

    assert report.counts() == {"reply": 1}
    request = reload(db, request.reference)
    assert request.status == RequestStatus.OPEN and request.resolved_at is None
    [told] = messages_to(mail_to_smtp, "agent@example.com")  # the assignee hears of the mailed reply
    assert "stopped spinning again" in text_of(told)
    assert request.messages[-1].body == "Sorry, it stopped spinning again."
    assert db.scalar(select(ServiceRequest).where(ServiceRequest.id != request.id)) is None


def test_a_mail_reply_after_the_reopen_window_starts_a_new_linked_request(
    app, db, users, support, client_as, mail_to_smtp
):
    request, ack = first_request_by_mail(app, db, support, mail_to_smtp)
    agent = client_as("agent")
    submit(
        agent, request.reference, handling_form(agent, request.reference), body="Fixed.", status="resolved"
    )
    resolved_mail = messages_to(mail_to_smtp, GUEST)[-1]
    stored = reload(db, request.reference)
    stored.resolved_at = utcnow() - timedelta(days=app.config["REOPEN_DAYS"] + 1)
    db.commit()

    support.deliver(reply_from_mail_client(resolved_mail, "Months later it does not spin again."))
    [report] = fetch(app)

    assert report.counts() == {"reply": 1}
    assert reload(db, request.reference).status == RequestStatus.RESOLVED
    new = db.scalar(select(ServiceRequest).where(ServiceRequest.follows_up_id == request.id))
    assert new is not None and new.customer_id == request.customer_id
    assert [m.body for m in new.messages] == ["Months later it does not spin again."]
    assert new.messages[0].channel == "email"
    # the customer is told of the new request, threaded on its own reference
    follow_up_ack = messages_to(mail_to_smtp, GUEST)[-1]
    assert f"[{new.reference}]" in follow_up_ack["Subject"]


def test_a_reply_that_lost_subject_and_headers_still_threads_by_the_plus_address(
    app, db, users, support, mail_to_smtp
):
    app.config["SUPPORT_PLUS_ADDRESS"] = True
    request, ack = first_request_by_mail(app, db, support, mail_to_smtp)
    assert f"+{request.reference}@" in ack["Reply-To"]
    support.deliver(mail(sender=GUEST, to=ack["Reply-To"], subject="the photo", body="Here it is.\n"))
    [report] = fetch(app)
    assert report.counts() == {"reply": 1}
    assert reload(db, request.reference).messages[-1].body == "Here it is."
