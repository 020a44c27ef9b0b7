"""A real IMAP server for the mail tests: Dovecot from Debian's packages, started unprivileged.

`dovecot_server` (one per test session) runs `dovecot -F` with a configuration written to a
temporary folder: its own base_dir, a passwd-file of users, maildir storage, listening on
127.0.0.1 on free ports — plain IMAP with STARTTLS, and IMAPS — with a self-signed certificate made
by `openssl`. Run as root (CI containers), it drops to `nobody` so nothing runs privileged.
`imap_account` makes a fresh user per test; `deliver` puts a message in a mailbox by IMAP APPEND.

It skips only when /usr/sbin/dovecot is missing and PORTAL_REQUIRE_DOVECOT is unset (CI sets it).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

from tests.conftest import free_port

DOVECOT = os.environ.get("PORTAL_DOVECOT", "/usr/sbin/dovecot")
START_TIMEOUT = 20.0
#: Mail accounts made at start (one per test that needs a mailbox).
ACCOUNTS = 80

CONFIG = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
listen = 127.0.0.1
protocols = imap
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
first_valid_gid = {gid}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
ssl = yes
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
ssl_min_protocol = TLSv1.2
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {base}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    """A running Dovecot: its ports, CA file, and how to add users."""

    base: Path
    imap_port: int
    imaps_port: int
    ca_file: Path
    uid: int
    gid: int
    process: subprocess.Popen

    accounts: list[tuple[str, str]]

    def take_account(self) -> tuple[str, str]:
        """A user name and password nobody used yet in this session.

        The users are all written before the server starts: Dovecot re-reads its passwd-file at
        most once a second, so users added while it runs may not log in at once.
        """
        if not self.accounts:
            raise RuntimeError(f"all {ACCOUNTS} test mail accounts are used: raise ACCOUNTS")
        return self.accounts.pop()

    def log(self) -> str:
        """The server's log (shown when a test fails)."""
        path = self.base / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class ImapAccount:
    """One mail account on the test server."""

    server: Dovecot
    username: str
    password: str

    def client(self) -> IMAPClient:
        """A plain, logged-in client (for arranging and checking, not for the code under test)."""
        client = IMAPClient("127.0.0.1", port=self.server.imap_port, ssl=False, timeout=10)
        try:
            client.login(self.username, self.password)
        except Exception:
            client.shutdown()
            raise
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the mailbox, unseen, as an MTA's delivery would."""
        with self.client() as client:
            client.append(folder, raw, flags=())

    def flags(self, folder: str = "INBOX") -> list[set[bytes]]:
        """The flags of every message in the folder, in order (without the session-only \\Recent)."""
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            fetched = client.fetch(uids, ["FLAGS"]) if uids else {}
            return [set(fetched[uid][b"FLAGS"]) - {b"\\Recent"} for uid in uids]

    def all_seen(self, folder: str = "INBOX") -> bool:
        """True when every message in the folder is flagged \\Seen."""
        return all(b"\\Seen" in flags for flags in self.flags(folder))


def _wait_for_port(port: int, process: subprocess.Popen, base: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (
                (base / "dovecot.log").read_text(errors="replace") if (base / "dovecot.log").exists() else ""
            )
            raise RuntimeError(f"dovecot exited with {process.returncode}: {log[-2000:]}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"dovecot did not listen on {port} within {START_TIMEOUT}s")


def _identity() -> tuple[str, int, str, int]:
    """The unprivileged user and group Dovecot runs as: ourselves, or `nobody` when we are root."""
    account = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    import grp

    group = grp.getgrgid(account.pw_gid)
    return account.pw_name, account.pw_uid, group.gr_name, account.pw_gid


@pytest.fixture(scope="session")
def dovecot_server():
    """A Dovecot IMAP server for the whole test session (see the module docstring)."""
    if not Path(DOVECOT).exists():
        if os.environ.get("PORTAL_REQUIRE_DOVECOT"):
            pytest.fail(
                f"PORTAL_REQUIRE_DOVECOT is set but {DOVECOT} is missing (apt-get install dovecot-imapd)"
            )
        pytest.skip(f"{DOVECOT} is missing: install Debian's dovecot-imapd to run the IMAP tests")
    user, uid, group, gid = _identity()
    base = Path(tempfile.mkdtemp(prefix="portal-dovecot-"))
    base.chmod(0o755)
    for sub in ("run", "state", "home"):
        (base / sub).mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(base / "key.pem"),
            "-out",
            str(base / "cert.pem"),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    accounts = [(f"support{n:03d}", secrets.token_urlsafe(12)) for n in range(ACCOUNTS)]
    (base / "users").write_text(
        "".join(
            f"{name}:{{PLAIN}}{password}:{uid}:{gid}::{base}/home/{name}::\n" for name, password in accounts
        )
    )
    for name, _password in accounts:
        (base / "home" / name).mkdir()
    imap_port, imaps_port = free_port(), free_port()
    (base / "dovecot.conf").write_text(
        CONFIG.format(
            base=base, user=user, group=group, uid=uid, gid=gid, imap_port=imap_port, imaps_port=imaps_port
        )
    )
    for path in [base, *base.rglob("*")]:
        os.chown(path, uid, gid)
    as_user = {"user": uid, "group": gid, "extra_groups": []} if os.geteuid() == 0 else {}
    with open(base / "stderr.log", "wb") as stderr:
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(base / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            **as_user,
        )
    server = Dovecot(base, imap_port, imaps_port, base / "cert.pem", uid, gid, process, accounts)
    try:
        _wait_for_port(imap_port, process, base)
        _wait_for_port(imaps_port, process, base)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def imap_account(dovecot_server) -> ImapAccount:
    """A fresh, empty mail account for one test."""
    name, password = dovecot_server.take_account()
    return ImapAccount(dovecot_server, name, password)
