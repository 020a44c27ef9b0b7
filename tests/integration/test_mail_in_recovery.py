# ruff: noqa: F811  (pytest fixtures imported from mail_fixtures are redefined as parameters)
"""Crashes while fetching lose nothing and duplicate nothing; a failed store keeps the mail."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.models import InboundMail, QuarantinedMail, RequestMessage, ServiceRequest
from tests.integration.mail_builders import mail
from tests.integration.mail_fixtures import dovecot_server, imap_account  # noqa: F401 (fixtures)
from tests.integration.test_mail_in_imap import add_mailbox, all_requests, fetch

ROOT = Path(__file__).resolve().parents[2]

#: Runs `portal mail fetch` in a child process, killed with SIGKILL at one point of the second message.
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from portal import create_app
    from portal.mail_in import fetch, ingest

    where = sys.argv[1]
    seen = {"n": 0}

    def die_on_second(original):
        def wrapper(*args, **kwargs):
            seen["n"] += 1
            if where == "before-commit" and seen["n"] == 2:
                result = original(*args, **kwargs)  # parsed and flushed, not committed
                os.kill(os.getpid(), signal.SIGKILL)
            if where == "before-seen" and seen["n"] == 2:
                os.kill(os.getpid(), signal.SIGKILL)  # committed, not yet flagged \\\\Seen
            return original(*args, **kwargs)
        return wrapper

    if where == "before-commit":
        ingest.ingest = die_on_second(ingest.ingest)
    else:
        fetch.IMAPClient.add_flags = die_on_second(fetch.IMAPClient.add_flags)
    app = create_app({"ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024}})
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    print(result.output)
    sys.exit(result.exit_code)
    """
)


def run_killed_fetch(app, tmp_path, where: str) -> subprocess.CompletedProcess:
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        PORTAL_DATABASE_URL=app.config["DATABASE_URL"],
        PORTAL_INSTANCE=app.config["INSTANCE_PATH"],
        PORTAL_SECRET_KEY=app.config["SECRET_KEY"],
        PORTAL_MAIL_URL=app.config["MAIL_URL"],
    )
    env.pop("PORTAL_REDIS_URL", None)
    return subprocess.run(
        [sys.executable, str(script), where], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("where", ["before-commit", "before-seen"])
def test_killing_the_fetch_loses_nothing_and_duplicates_nothing(
    app, db, users, imap_account, tmp_path, where
):
    add_mailbox(db, imap_account)
    for n in range(3):
        imap_account.deliver(mail(subject=f"Problem {n}", message_id=f"<problem-{n}@client.example>"))

    killed = run_killed_fetch(app, tmp_path, where)
    assert killed.returncode == -9, killed.stderr[-3000:]
    stored_before_restart = len(all_requests(db))
    assert stored_before_restart == (1 if where == "before-commit" else 2)

    [report] = fetch(app)  # the next cron run

    subjects = sorted(r.subject for r in all_requests(db))
    assert subjects == ["Problem 0", "Problem 1", "Problem 2"]
    assert db.scalar(select(func.count(InboundMail.id))) == 3
    assert imap_account.all_seen()
    expected = ["request", "request"] if where == "before-commit" else ["duplicate", "request"]
    assert [r.outcome for r in report.results] == expected


def test_a_failing_flush_rolls_the_whole_message_back_into_the_quarantine(app, db, users, imap_account):
    """A real constraint fails while the reply is stored: nothing half-written, the mail kept whole."""
    add_mailbox(db, imap_account)
    imap_account.deliver(mail())
    fetch(app)
    [request] = all_requests(db)
    # an earlier message already carries the Message-ID the next mail has: the unique constraint fires
    db.add(
        RequestMessage(
            request=request, author=users["agent"], body="x", mail_message_id="<clash@client.example>"
        )
    )
    db.commit()
    imap_account.deliver(
        mail(subject=f"Re: [{request.reference}]", body="More.\n", message_id="<clash@client.example>")
    )

    [report] = fetch(app)

    assert [r.outcome for r in report.results] == ["quarantined"]
    db.expire_all()
    assert [m.body for m in request.messages] == ["x"]  # the reply was not half stored
    assert len(request.events) == 1
    [held] = db.scalars(select(QuarantinedMail)).all()
    assert "could not be stored" in held.reason
    assert imap_account.all_seen()


def test_a_message_piped_into_portal_mail_ingest_becomes_a_request(app, db, users):
    runner = app.test_cli_runner()
    raw = mail(subject="Piped in by the MTA")
    result = runner.invoke(args=["mail", "ingest"], input=raw)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("request SR-")
    again = runner.invoke(args=["mail", "ingest"], input=raw)
    assert again.output.strip() == "duplicate"
    assert [r.subject for r in all_requests(db)] == ["Piped in by the MTA"]
    assert db.scalar(select(func.count(ServiceRequest.id))) == 1
