"""Bounded load test with outages: `make loadtest` (or `python benchmarks/loadtest.py --help`).

It starts its OWN PostgreSQL cluster (initdb into a temporary folder, port 5441) and its OWN
redis-server (port 6391) -- never the shared ones --, serves the portal with gunicorn (4 workers,
127.0.0.1 only), and runs, for a bounded time and a bounded number of requests:

- customers: raise requests with an attachment, then reply to them;
- agents: open the queue and answer requests;
- readers: read articles (with approved offer links, so the Redis cache is used), list, search.

Meanwhile PostgreSQL is restarted (once with a few seconds of outage, once quickly) and Redis is
stopped and started again. Every write carries a unique token in its text. Afterwards it checks:

- every write that got a success answer is in the database exactly once (attachment bytes too);
- every failure was clean: a 503 with Retry-After and the security headers (a form post's typed
  text on the page), or a form error that kept the typed text -- never a 500 or a dropped connection;
- the portal recovered by itself: after the last outage every kind of user works again, with the
  same gunicorn, never restarted.

It prints the figures and exits non-zero when any check fails.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.security import SECURITY_HEADERS  # noqa: E402

PASSWORD = "load-test-password-0123"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
REF_RE = re.compile(r"SR-\d{4}-\d{6}")
HIDDEN_RE = r'name="{}" type="hidden" value="([^"]*)"'
BAD = "bad"
CLEAN = "clean"
OK = "ok"


# --------------------------------------------------------------------------- own services


def _as_postgres(command: str) -> list[str]:
    """Run a command as the `postgres` user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        return ["su", "postgres", "-c", command]
    return ["sh", "-c", command]


class PostgresCluster:
    """A throw-away PostgreSQL cluster on its own port and folder."""

    def __init__(self, folder: Path, port: int) -> None:
        candidates = sorted(glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        if not candidates:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
        self.bin = Path(candidates[-1])
        self.folder = folder
        self.data = folder / "data"
        self.port = port

    def _run(self, args: str, check: bool = True) -> None:
        done = subprocess.run(_as_postgres(args), check=False, capture_output=True, text=True)
        if check and done.returncode != 0:
            raise RuntimeError(f"{args}\n{done.stdout}{done.stderr}")

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(f"{self.bin / 'initdb'} -D {shlex.quote(str(self.data))} -A trust -U postgres -E UTF8")

    def _ctl(self, action: str, extra: str = "") -> None:
        options = f"-p {self.port} -k {shlex.quote(str(self.folder))} -c listen_addresses=127.0.0.1"
        log = shlex.quote(str(self.folder / "server.log"))
        self._run(
            f"{self.bin / 'pg_ctl'} -D {shlex.quote(str(self.data))} -o {shlex.quote(options)} "
            f"-l {log} -w {extra} {action}"
        )

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop", "-m fast")

    def restart(self) -> None:
        self._ctl("restart", "-m fast")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("stop", "-m immediate")


class RedisServer:
    """A throw-away redis-server without persistence."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, 10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port} after {seconds}s")


def warm_up(base: str, workers: int, seconds: float = 180) -> None:
    """Wait until every worker answers (not counted: workers import the app lazily)."""
    deadline = time.monotonic() + seconds
    answered = 0
    while answered < workers * 3 and time.monotonic() < deadline:
        try:
            answered += httpx.get(f"{base}/login", timeout=60).status_code == 200
        except httpx.HTTPError:
            time.sleep(0.5)


# --------------------------------------------------------------------------- data


def prepare(env: dict[str, str], customers: int, agents: int) -> list[str]:
    """Migrate, create the accounts and published articles with approved offer links."""
    os.environ.update(env)
    from sqlalchemy import select

    from knowledge_base import workflow
    from knowledge_base.models import Category
    from portal import create_app, migrate
    from portal.auth.services import create_user
    from portal.kb import search_service
    from portal.marketing import linking
    from portal.models import LinkSuggestion, Offer, Role, SuggestionState

    app = create_app({"ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8192}})
    migrate.upgrade(app)
    db = app.extensions["db_sessionmaker"]()
    with app.test_request_context():
        for i in range(customers):
            create_user(
                db,
                email=f"customer{i}@loadtest.example.com",
                name=f"Customer {i}",
                password=PASSWORD,
                role=Role.CUSTOMER,
                hash_params=app.config["ARGON2_PARAMS"],
                marketing_consent=True,
            )
        for i in range(agents):
            create_user(
                db,
                email=f"agent{i}@loadtest.example.com",
                name=f"Agent {i}",
                password=PASSWORD,
                role=Role.AGENT,
                hash_params=app.config["ARGON2_PARAMS"],
            )
    db.add(
        Offer(
            code="router",
            title="Routers",
            url="https://shop.example.com/routers",
            phrases={"en": ["router"]},
            product_kind="router",
        )
    )
    db.commit()
    networking = Category(slug="networking", name="Networking")
    db.add(networking)
    slugs = []
    for i, (title, body) in enumerate(
        [
            ("Router tips", "Place the router high on a shelf for a better signal."),
            ("Washer care", "Clean the pump filter every three months."),
            ("Router reset", "Hold the reset button of the router for ten seconds."),
        ]
    ):
        slug = f"article-{i}"
        article = workflow.create_article(
            db,
            slug=slug,
            locale="en",
            category=networking,
            translation_key=None,
            draft=workflow.Draft(title, body, ["router"]),
            author_id=None,
        )
        workflow.publish(db, article.revisions[-1], None)
        db.commit()
        with app.app_context():
            linking.scan_article(db, article, app)
        slugs.append(slug)
    for suggestion in db.scalars(select(LinkSuggestion)):
        suggestion.state = SuggestionState.APPROVED
    db.commit()
    with app.app_context():
        search_service.reindex(db, app)
    db.close()
    app.extensions["db_engine"].dispose()
    return slugs


# --------------------------------------------------------------------------- results


@dataclass
class Results:
    """Everything the virtual users saw, shared between threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: collections.Counter = field(default_factory=collections.Counter)
    bad_examples: list[str] = field(default_factory=list)
    acked: list[tuple[str, str]] = field(default_factory=list)  # (kind, token)
    attempted: list[tuple[str, str]] = field(default_factory=list)
    attachments: dict[str, bytes] = field(default_factory=dict)  # token -> bytes sent
    per_second: collections.Counter = field(default_factory=collections.Counter)
    total: int = 0

    def note(self, outcome: str, grade: str, started: float, example: str = "") -> None:
        with self.lock:
            self.outcomes[(grade, outcome)] += 1
            self.total += 1
            if grade == OK:
                self.per_second[int(started)] += 1
            if grade == BAD and len(self.bad_examples) < 10:
                moment = time.strftime("%H:%M:%S", time.localtime(started))
                self.bad_examples.append(f"{moment} {outcome}: {' '.join(example.split())[:240]}")


def has_security_headers(response: httpx.Response) -> bool:
    return all(response.headers.get(name) == value for name, value in SECURITY_HEADERS.items())


def grade(response: httpx.Response, typed: tuple[str, ...], expected: tuple[int, ...]) -> tuple[str, str]:
    """(outcome, grade) of one answer: ok, clean failure, or bad."""
    code = response.status_code
    if code in expected:
        return f"{code}", OK
    body = response.text
    if code == 503:
        if not (has_security_headers(response) and response.headers.get("Retry-After")):
            return "503 without Retry-After/security headers", BAD
        if typed and not all(text in body for text in typed):
            return "503 that lost the typed text", BAD
        return ("503 (form post, typed text kept)" if typed else "503 (page)"), CLEAN
    if code == 409:
        return "409 edit conflict page", CLEAN
    if code in (200, 400) and typed:
        if all(text in body for text in typed):
            return "form error, typed text kept", CLEAN
        return "form error that lost the typed text", BAD
    return f"HTTP {code}", BAD


class Stop(Exception):
    """The run is over (time or request budget)."""


class VirtualUser:
    """One person with their own cookie jar."""

    def __init__(self, base: str, results: Results, budget: Budget, name: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        self.results = results
        self.budget = budget
        self.name = name
        self.seq = 0

    def token(self) -> str:
        self.seq += 1
        return f"LT{self.name}n{self.seq}x{secrets.token_hex(4)}"

    def call(
        self, method: str, url: str, *, typed: tuple[str, ...] = (), expected=(200,), write=None, **kwargs
    ):
        """Send one request and grade it; returns the response when it was a success.

        `write` = (kind, token): recorded as attempted when sent, as acknowledged on success.
        """
        self.budget.take()
        if write is not None:
            with self.results.lock:
                self.results.attempted.append(write)
        started = time.time()
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.results.note(f"transport error {type(exc).__name__}", BAD, started, f"{method} {url}")
            return None
        outcome, verdict = grade(response, typed, expected)
        self.results.note(f"{method} {outcome}", verdict, started, f"{method} {url}: {response.text[:200]}")
        if verdict != OK:
            return None
        if write is not None:
            with self.results.lock:
                self.results.acked.append(write)
        return response

    def csrf(self, url: str) -> str | None:
        page = self.call("GET", url)
        match = CSRF_RE.search(page.text) if page is not None else None
        return match.group(1) if match else None

    def login(self, email: str) -> bool:
        for _attempt in range(20):
            token = self.csrf("/login")
            if token:
                data = {"email": email, "password": PASSWORD, "csrf_token": token}
                if self.call("POST", "/login", data=data, expected=(302,)) is not None:
                    return True
            time.sleep(1)
        return False


class Budget:
    """Bounded run: stops after `seconds` or `requests`, whichever comes first."""

    def __init__(self, seconds: float, requests: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.left = requests
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def take(self) -> None:
        with self.lock:
            if self.stopped.is_set() or time.monotonic() > self.deadline or self.left <= 0:
                self.stopped.set()
                raise Stop
            self.left -= 1

    def extend(self, seconds: float, requests: int) -> None:
        with self.lock:
            self.deadline = time.monotonic() + seconds
            self.left = requests
            self.stopped.clear()


def customer_round(user: VirtualUser) -> bool:
    """Raise a request with an attachment, then reply to it; True if both were acknowledged."""
    csrf = user.csrf("/requests/new")
    if not csrf:
        return False
    token = user.token()
    subject, description = f"Washer stops {token}", f"It stops mid-cycle. Write {token}."
    attachment = f"Log for {token}\nE21 E21 E21\n".encode()
    response = user.call(
        "POST",
        "/requests/new",
        typed=(description,),
        expected=(302,),
        write=("request", token),
        data={"subject": subject, "description": description, "priority": "normal", "csrf_token": csrf},
        files={"attachments": (f"{token}.txt", attachment, "text/plain")},
    )
    if response is None:
        return False
    with user.results.lock:
        user.results.attachments[token] = attachment
    ref = response.headers["location"].rstrip("/").rsplit("/", 1)[-1]
    reply_token = user.token()
    body = f"Any news? {reply_token}"
    answered = user.call(
        "POST",
        f"/requests/{ref}/reply",
        typed=(body,),
        expected=(302,),
        write=("message", reply_token),
        data={"body": body, "csrf_token": csrf},
    )
    return answered is not None


def agent_round(user: VirtualUser) -> bool:
    """Open the queue, pick a request, answer it; True if acknowledged (or a clean conflict)."""
    queue = user.call("GET", "/staff/requests")
    refs = REF_RE.findall(queue.text) if queue is not None else []
    if not refs:
        return queue is not None
    ref = refs[secrets.randbelow(min(len(refs), 10))]
    page = user.call("GET", f"/staff/requests/{ref}")
    if page is None:
        return False
    fields = {
        name: re.search(HIDDEN_RE.format(name), page.text)
        for name in ("version", "seen_event_id", "seen_message_id")
    }
    csrf = CSRF_RE.search(page.text)
    if csrf is None or not all(fields.values()):
        user.results.note("agent form not understood", BAD, time.time(), page.text[:300])
        return False
    token = user.token()
    body = f"We are on it. {token}"
    data = {name: match.group(1) for name, match in fields.items()}
    data.update(body=body, csrf_token=csrf.group(1))
    answered = user.call(
        "POST", f"/staff/requests/{ref}", typed=(body,), expected=(302,), write=("message", token), data=data
    )
    return answered is not None


def reader_round(user: VirtualUser, slugs: list[str]) -> bool:
    """Read an article (links from the cache), the list, and a search."""
    pages = [f"/kb/en/a/{secrets.choice(slugs)}", "/kb/en/", "/kb/en/search?q=router"]
    return all(user.call("GET", page) is not None for page in pages)


def run_user(user: VirtualUser, kind: str, slugs: list[str]) -> None:
    """Loop one user's rounds until the budget is spent; pause a little after a failure."""
    rounds = {"customer": customer_round, "agent": agent_round, "reader": lambda u: reader_round(u, slugs)}
    try:
        while True:
            if not rounds[kind](user):
                time.sleep(0.5)
    except Stop:
        return


# --------------------------------------------------------------------------- chaos


def chaos(pg: PostgresCluster, redis: RedisServer, duration: float, events: list[str], t0: float) -> None:
    """Outages on our own services only, at fixed points of the run."""

    def at(fraction: float) -> None:
        time.sleep(max(0.0, t0 + duration * fraction - time.monotonic()))

    def say(text: str) -> None:
        events.append(f"{time.monotonic() - t0:6.1f}s  {text}")

    at(0.2)
    say("PostgreSQL stopped")
    pg.stop()
    time.sleep(4)
    pg.start()
    say("PostgreSQL started again")
    at(0.45)
    say("Redis stopped")
    redis.stop()
    time.sleep(6)
    redis.start()
    say("Redis started again")
    at(0.65)
    say("PostgreSQL restart (pg_ctl restart -m fast)")
    pg.restart()
    say("PostgreSQL back")


# --------------------------------------------------------------------------- checks


def verify(url: str, instance: Path, results: Results) -> dict[str, int]:
    """Count each token's rows: acknowledged writes must be there exactly once."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    found: dict[str, int] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT subject FROM service_requests WHERE subject LIKE 'Washer stops LT%'")
        )
        for (subject,) in rows:
            token = subject.rsplit(" ", 1)[-1]
            found[token] = found.get(token, 0) + 1
        for (body,) in conn.execute(text("SELECT body FROM request_messages WHERE body LIKE '%LT%'")):
            token = body.rsplit(" ", 1)[-1]
            found[token] = found.get(token, 0) + 1
        stored = dict(
            conn.execute(
                text(
                    "SELECT r.subject, a.stored_name FROM attachments a "
                    "JOIN service_requests r ON r.id = a.request_id WHERE r.subject LIKE 'Washer stops LT%'"
                )
            ).all()
        )
    engine.dispose()
    acked = {token for _kind, token in results.acked}
    figures = {
        "acknowledged": len(acked),
        "found once": sum(1 for t in acked if found.get(t) == 1),
        "lost": sum(1 for t in acked if found.get(t, 0) == 0),
        "duplicated": sum(1 for t, n in found.items() if n > 1),
        "attempted, not acknowledged": len({t for _k, t in results.attempted} - acked),
        "not acknowledged but written": sum(
            1 for _k, t in results.attempted if t not in acked and t in found
        ),
        "attachments checked": 0,
        "attachments wrong": 0,
    }
    for subject, stored_name in stored.items():
        token = subject.rsplit(" ", 1)[-1]
        if token in results.attachments:
            figures["attachments checked"] += 1
            path = instance / "attachments" / stored_name
            if not path.is_file() or path.read_bytes() != results.attachments[token]:
                figures["attachments wrong"] += 1
    figures["attachments wrong"] += sum(
        1 for token in results.attachments if token not in {s.rsplit(" ", 1)[-1] for s in stored}
    )
    return figures


def recovery_check(base: str, results: Results, slugs: list[str], budget: Budget) -> dict[str, bool]:
    """After the outages: every kind of user works again on the same, never restarted, portal."""
    budget.extend(120, 400)
    checks = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/kb", timeout=10).status_code == 200:
                break
        time.sleep(1)
    customer = VirtualUser(base, results, budget, "RC")
    agent = VirtualUser(base, results, budget, "RA")
    reader = VirtualUser(base, results, budget, "RR")
    checks["customer logs in, raises a request, replies"] = customer.login(
        "customer0@loadtest.example.com"
    ) and (customer_round(customer))
    checks["agent answers a request"] = agent.login("agent0@loadtest.example.com") and agent_round(agent)
    checks["reader reads, lists, searches"] = reader_round(reader, slugs)
    return checks


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=90, help="seconds of load (default 90)")
    parser.add_argument("--max-requests", type=int, default=30000, help="request budget (default 30000)")
    parser.add_argument("--customers", type=int, default=6)
    parser.add_argument("--agents", type=int, default=2)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--port", type=int, default=5225, help="portal port, 5220-5239 (default 5225)")
    parser.add_argument("--pg-port", type=int, default=5441)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--server-log", type=Path, help="keep gunicorn's log (errors) in this file")
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix="portal-loadtest-"))
        tmp.chmod(0o755)  # the postgres user must reach its data folder inside
        stack.callback(shutil.rmtree, tmp, True)
        pg = PostgresCluster(tmp / "pg", args.pg_port)
        pg.init()
        pg.start()
        stack.callback(pg.destroy)
        subprocess.run(
            _as_postgres(f"{pg.bin / 'createdb'} -h 127.0.0.1 -p {pg.port} -U postgres portal"),
            check=True,
            capture_output=True,
        )
        redis = RedisServer(args.redis_port)
        redis.start()
        stack.callback(redis.stop)

        instance = tmp / "instance"
        env = {
            "PORTAL_ENV": "development",  # plain http on loopback: cookies without the Secure flag
            "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
            "PORTAL_INSTANCE": str(instance),
            "PORTAL_DATABASE_URL": pg.url("portal"),
            "PORTAL_REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
            "PORTAL_MAIL_URL": f"outbox://{instance / 'outbox'}",
            "PORTAL_LOGIN_RATE_LIMIT": "10000 per minute",
            "PORTAL_ANONYMOUS_OFFER_LINKS": "1",
        }
        print("preparing: migrations, accounts, articles with approved links ...", flush=True)
        slugs = prepare(env, args.customers + 1, args.agents + 1)

        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
                "portal:create_app()",
            ],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115
        )

        def stop_server() -> None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)

        stack.callback(stop_server)
        wait_for_port(args.port, 60)
        warm_up(f"http://127.0.0.1:{args.port}", args.workers)
        print(f"gunicorn up ({args.workers} workers); logging in ...", flush=True)
        base = f"http://127.0.0.1:{args.port}"
        master_pid = server.pid

        results = Results()
        budget = Budget(3600, args.max_requests)  # the run's clock starts below
        users: list[tuple[VirtualUser, str]] = []
        for i in range(args.customers):
            users.append((VirtualUser(base, results, budget, f"C{i}"), "customer"))
        for i in range(args.agents):
            users.append((VirtualUser(base, results, budget, f"A{i}"), "agent"))
        for i in range(args.readers):
            users.append((VirtualUser(base, results, budget, f"R{i}"), "reader"))
        for user, kind in users:
            if kind != "reader":
                number = user.name[1:]
                if not user.login(f"{kind}{number}@loadtest.example.com"):
                    raise SystemExit(f"{user.name} could not log in before the run")
        # each customer raises one request first, so that agents have a queue
        for user, kind in users:
            if kind == "customer":
                customer_round(user)

        print(
            f"load: {len(users)} users for {args.duration:.0f}s (at most {args.max_requests} requests)",
            flush=True,
        )
        events: list[str] = []
        t0 = time.monotonic()
        budget.deadline = t0 + args.duration
        threads = [threading.Thread(target=run_user, args=(u, k, slugs), daemon=True) for u, k in users]
        threads.append(
            threading.Thread(target=chaos, args=(pg, redis, args.duration, events, t0), daemon=True)
        )
        wall = time.time()
        before_run = results.total
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.duration + 120)
        elapsed = time.monotonic() - t0
        load_total = results.total - before_run

        recovered = recovery_check(base, results, slugs, budget)
        if args.server_log:
            shutil.copy(tmp / "gunicorn.log", args.server_log)
        same_server = server.poll() is None and server.pid == master_pid
        figures = verify(pg.url("portal"), instance, results)

    print_report(results, figures, recovered, same_server, events, elapsed, load_total, wall, args)
    bad = sum(n for (verdict, _o), n in results.outcomes.items() if verdict == BAD)
    failed = (
        bad
        or figures["lost"]
        or figures["duplicated"]
        or figures["attachments wrong"]
        or not all(recovered.values())
        or not same_server
    )
    print("RESULT:", "FAILED" if failed else "PASSED")
    return 1 if failed else 0


def print_report(results, figures, recovered, same_server, events, elapsed, load_total, wall, args) -> None:
    ok_total = sum(n for (verdict, _o), n in results.outcomes.items() if verdict == OK)
    seconds = [results.per_second.get(int(wall) + s, 0) for s in range(int(elapsed))]
    print()
    print(
        f"== Shopkeeper load test: {args.workers} gunicorn workers, PostgreSQL :{args.pg_port}, "
        f"Redis :{args.redis_port}"
    )
    print(f"requests during the run : {load_total} in {elapsed:.1f}s = {load_total / elapsed:.1f} req/s")
    if seconds:
        print(
            f"successful answers/s    : median {statistics.median(seconds):.0f}, "
            f"min {min(seconds)}, max {max(seconds)} (per second of the run)"
        )
        print(f"ok answers in total     : {ok_total} (incl. recovery check)")
    print("outages:")
    for line in events:
        print("  " + line)
    print("answers by kind:")
    for (verdict, outcome), n in sorted(results.outcomes.items()):
        print(f"  {verdict:6s} {outcome:45s} {n}")
    print("writes (tokens in the database):")
    for name, value in figures.items():
        print(f"  {name:32s} {value}")
    print("recovery (no restart of the portal):")
    for name, passed in recovered.items():
        print(f"  {'yes' if passed else 'NO ':3s}  {name}")
    print(f"  {'yes' if same_server else 'NO ':3s}  the same gunicorn master served the whole run")
    for example in results.bad_examples:
        print("  bad:", example)


if __name__ == "__main__":
    sys.exit(main())
