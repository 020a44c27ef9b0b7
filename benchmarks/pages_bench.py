"""Page benchmark: portal pages against a Flask hello-world under the same gunicorn.

usage: python benchmarks/pages_bench.py   (environment: PAGES_BENCH_SIZES=small,large,
       PAGES_BENCH_SECONDS=5, PAGES_BENCH_ROUNDS=3, PAGES_BENCH_PORTS=hello,portal,
       PAGES_BENCH_PAGES="/kb/search,staff queue" to measure only those pages; default all)

For each data size (see benchmarks/pages_data.py) a scratch instance with a SQLite database is
seeded, the portal is started with gunicorn (2 sync workers) on a free port beside a hello-world
app, a consenting customer and an agent log in through the login form, and `wrk -t2 -c16`
measures hello-world and each page alternately, ROUNDS times. The table shows the median req/s
per page and size, the median of the per-round ratios page / hello-world, and large / small.
A second table gives each page's CPU time per request in-process (Flask test client, measured
in the seeding process) against hello-world's: on a machine shared with other work, req/s mostly
measures the share of CPU each server gets, CPU time per request does not.
Figures are printed, never asserted. Goals (issue #16): article >= 0.25, the list pages >= 0.15,
large/small within 20 %.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import pages_data  # noqa: E402

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
USER_AGENT = "pages-bench/1.0"
PASSWORD = "bench-" + secrets.token_hex(8)
SECONDS = int(os.environ.get("PAGES_BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("PAGES_BENCH_ROUNDS", "3"))
SIZES = os.environ.get("PAGES_BENCH_SIZES", "small,large").split(",")
#: "HELLO,PORTAL": fixed ports for the two servers (a shared machine hands each user its own); else free ones
PORTS = [int(p) for p in os.environ.get("PAGES_BENCH_PORTS", "").split(",") if p.strip()]
#: Names of the pages to measure (as in the table), comma-separated; empty: every page
ONLY = {name.strip() for name in os.environ.get("PAGES_BENCH_PAGES", "").split(",") if name.strip()}
GOALS = {"article (customer)": 0.25, "/login": None}
LIST_GOAL = 0.15


@dataclass
class Page:
    name: str
    path: str
    who: str  # customer | agent | anonymous
    rps: dict[str, list[float]] = field(default_factory=dict)
    ratios: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(target: str, env: dict[str, str], port: int | None = None) -> tuple[subprocess.Popen, str]:
    """gunicorn with 2 sync workers on `port` (else a free one); returns the process and its base URL."""
    port = port or free_port()
    process = subprocess.Popen(
        [GUNICORN, "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", target],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/", timeout=2)
            return process, url
        except httpx.HTTPError:
            if process.poll() is not None:
                raise SystemExit(f"{target} did not start:\n{process.stderr.read().decode()}") from None
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{target} did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def login(base: str, email: str, warm: list[str]) -> str:
    """Post the login form; open `warm` pages once; return the Cookie header the browser now sends."""
    with httpx.Client(base_url=base, headers={"User-Agent": USER_AGENT}, timeout=30) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        if answer.status_code != 302:
            raise SystemExit(f"login of {email} failed: HTTP {answer.status_code}")
        for path in warm:
            client.get(path)
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def check(base: str, page: Page, cookie: str, links_expected: int) -> None:
    """The page answers 200 (and the article shows its approved links) before it is measured."""
    headers = {"User-Agent": USER_AGENT, "Cookie": cookie}
    answer = httpx.get(base + page.path, headers=headers, timeout=30)
    if answer.status_code != 200:
        raise SystemExit(f"{page.name}: HTTP {answer.status_code}")
    if page.name == "article (customer)" and answer.text.count('href="/go/') < links_expected:
        raise SystemExit(f"{page.name}: expected {links_expected} offer links on the page")


def wrk(url: str, cookie: str = "") -> tuple[float, int]:
    """Requests per second and non-2xx/3xx answers of one wrk run."""
    command = [WRK, "-t2", "-c16", f"-d{SECONDS}s", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*?(\d+), write (\d+), timeout (\d+)", out)
    failures = int(bad.group(1)) if bad else 0
    if errors:
        failures += sum(int(n) for n in errors.groups())
    return rps, failures


def portal_env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PYTHONPATH=str(ROOT),
        PORTAL_INSTANCE=str(instance),
        PORTAL_SECRET_KEY=secrets.token_urlsafe(48),
        PORTAL_DEMO_PASSWORD=PASSWORD,
        PORTAL_LOGIN_RATE_LIMIT="1000 per minute",
    )
    for name in ("PORTAL_REDIS_URL",):  # a Redis cache, if the caller wants one measured
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def prepare(size: str, instance: Path) -> pages_data.Seeded:
    """Seed a scratch instance in this process (the servers read it afterwards)."""
    env = portal_env(instance)
    os.environ.update({k: v for k, v in env.items() if k.startswith("PORTAL_")})
    from portal import create_app

    app = create_app()
    sizes = pages_data.SMALL if size == "small" else pages_data.LARGE
    started = time.monotonic()
    seeded = pages_data.seed(app, sizes, random.Random(16))
    IN_PROCESS[size] = cpu_per_request(app, pages_for(seeded))
    app.extensions["db_engine"].dispose()
    print(
        f"[{size}] seeded {seeded.articles} articles, {seeded.requests} requests "
        f"in {time.monotonic() - started:.0f} s; article {seeded.article_slug!r} "
        f"shows {seeded.links_shown} offer links",
        flush=True,
    )
    return seeded


#: CPU milliseconds per request in-process (Flask test client), per size and page; "hello" too.
IN_PROCESS: dict[str, dict[str, float]] = {}


def cpu_per_request(app, pages: list[Page], count: int = 200) -> dict[str, float]:
    """Process CPU time per request of each page and of hello-world, in this process.

    Unlike req/s, CPU time per request hardly moves when other programs load the machine.
    """
    from benchmarks.hello_app import app as hello

    def client_for(who: str):
        client = app.test_client()
        if who != "anonymous":
            form = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
            email = pages_data.CUSTOMER if who == "customer" else pages_data.AGENT
            client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        return client

    def cost(client, path: str) -> float:
        for _ in range(10):
            client.get(path)
        started = time.process_time()
        for _ in range(count):
            client.get(path)
        return (time.process_time() - started) / count * 1000

    clients = {who: client_for(who) for who in ("customer", "agent", "anonymous")}
    out = {"hello": cost(hello.test_client(), "/")}
    for page in pages:
        out[page.name] = cost(clients[page.who], page.path)
    return out


def pages_for(seeded: pages_data.Seeded) -> list[Page]:
    query = quote_plus(seeded.search_query)
    pages = [
        Page("article (customer)", f"/kb/en/a/{seeded.article_slug}", "customer"),
        Page("article (anonymous)", f"/kb/en/a/{seeded.article_slug}", "anonymous"),
        Page("/kb", "/kb/en/", "customer"),
        Page("/kb/search", f"/kb/en/search?q={query}", "customer"),
        Page("/requests", "/requests", "customer"),
        Page("staff queue", "/staff/requests", "agent"),
        Page("/login", "/login", "anonymous"),
    ]
    return [page for page in pages if not ONLY or page.name in ONLY]


def measure(size: str, pages: list[Page] | None, hello_url: str) -> list[Page]:
    with tempfile.TemporaryDirectory(prefix=f"pages-bench-{size}-") as folder:
        instance = Path(folder)
        seeded = prepare(size, instance)
        pages = pages or pages_for(seeded)
        process, base = start_server(
            "portal:create_app()", portal_env_for_server(instance), PORTS[1] if len(PORTS) > 1 else None
        )
        try:
            cookies = {
                "customer": login(base, pages_data.CUSTOMER, [p.path for p in pages if p.who == "customer"]),
                "agent": login(base, pages_data.AGENT, ["/staff/requests"]),
                "anonymous": "",
            }
            for page in pages:
                check(base, page, cookies[page.who], seeded.links_shown if page.who == "customer" else 0)
            for round_number in range(ROUNDS):
                for page in pages:
                    hello, _ = wrk(hello_url)
                    rps, failures = wrk(base + page.path, cookies[page.who])
                    page.rps.setdefault(size, []).append(rps)
                    page.ratios.setdefault(size, []).append(rps / hello if hello else 0.0)
                    page.errors[size] = page.errors.get(size, 0) + failures
                    print(
                        f"[{size} round {round_number + 1}] {page.name:20} {rps:8.0f} req/s"
                        f"  hello {hello:8.0f}  ratio {rps / hello:.3f}",
                        flush=True,
                    )
        finally:
            stop(process)
    return pages


def portal_env_for_server(instance: Path) -> dict[str, str]:
    """The environment the seeding used (same secret key, so nothing differs but the process)."""
    env = {k: v for k, v in os.environ.items()}
    env["PYTHONPATH"] = str(ROOT)
    env["PORTAL_INSTANCE"] = str(instance)
    return env


def report(pages: list[Page], sizes: list[str]) -> None:
    print()
    print(f"wrk -t2 -c{16} -d{SECONDS}s, gunicorn 2 sync workers, median of {ROUNDS} alternating rounds")
    header = f"{'page':22}" + "".join(f"{'req/s ' + s:>14}{'ratio ' + s:>13}" for s in sizes)
    header += f"{'large/small':>13}{'goal':>7}{'errors':>8}"
    print(header)
    for page in pages:
        line = f"{page.name:22}"
        for size in sizes:
            line += f"{statistics.median(page.rps[size]):14.0f}{statistics.median(page.ratios[size]):13.3f}"
        if "small" in sizes and "large" in sizes:
            line += f"{statistics.median(page.rps['large']) / statistics.median(page.rps['small']):13.2f}"
        else:
            line += f"{'':13}"
        goal = GOALS.get(page.name, LIST_GOAL)
        line += f"{goal if goal else '':>7}{sum(page.errors.values()):8d}"
        print(line)


def report_in_process(sizes: list[str]) -> None:
    print()
    print("in-process CPU ms per request (Flask test client, no HTTP server), ratio = hello / page")
    print(f"{'page':22}" + "".join(f"{'ms ' + s:>11}{'ratio ' + s:>13}" for s in sizes))
    for name in IN_PROCESS[sizes[0]]:
        line = f"{name:22}"
        for size in sizes:
            ms = IN_PROCESS[size][name]
            line += f"{ms:11.3f}{IN_PROCESS[size]['hello'] / ms:13.3f}"
        print(line)


def main() -> None:
    hello, hello_url = start_server(
        "benchmarks.hello_app:app", {**os.environ, "PYTHONPATH": str(ROOT)}, PORTS[0] if PORTS else None
    )
    pages: list[Page] | None = None
    try:
        for size in SIZES:
            pages = measure(size, pages, hello_url + "/")
    finally:
        stop(hello)
    report(pages or [], SIZES)
    report_in_process(SIZES)


if __name__ == "__main__":
    main()
