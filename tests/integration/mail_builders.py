"""Build test mails (bytes) the way mail clients write them."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

# the smallest valid PNG: 1x1 transparent pixel
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def mail(
    sender: str = "customer@example.com",
    subject: str = "The washing machine does not spin",
    body: str = "Hello,\n\nmy washing machine stopped spinning yesterday.\n",
    *,
    to: str = "support@shop.example",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    files: list[tuple[str, bytes, str]] = (),
    inline_png: bool = False,
) -> bytes:
    """A plain-text mail, optionally with attachments (name, bytes, mime type) and an inline image."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate()
    message["Message-ID"] = message_id or make_msgid(domain="client.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if inline_png:
        message.add_alternative(f"<p>{body}</p><img src='cid:photo1'>", subtype="html")
        message.get_payload()[1].add_related(PNG, "image", "png", cid="<photo1>")
    for name, data, mime in files:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def bounce(recipient: str, original_message_id: str) -> bytes:
    """An RFC 3464 delivery status notification for `recipient`."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.shop.example>\r\n"
        "To: support@shop.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.shop.example')}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"\r\n\r\n'
        "--BOUND\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--BOUND\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.shop.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        "--BOUND\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@shop.example\r\nTo: {recipient}\r\nMessage-ID: {original_message_id}\r\n"
        "--BOUND--\r\n"
    ).encode()
