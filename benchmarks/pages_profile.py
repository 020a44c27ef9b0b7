"""Where a page's time goes: cProfile over in-process requests (Flask test client).

usage: python benchmarks/pages_profile.py [PAGE] [REQUESTS]
       PAGE one of article, article-anon, kb, search, requests, queue, login (default article);
       PAGES_BENCH_SIZES=large profiles the large data set (slow to seed).
Prints the mean time per request, the share of each stage of the request (STAGES) and the top
functions by cumulative and by own time.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import pages_data  # noqa: E402

PASSWORD = "profile-password-1"
#: Stages of a request, as (label, file name, function): their cumulative share is printed.
STAGES = (
    ("request context push (session cookie)", "ctx.py", "push"),
    ("before_request hooks", "app.py", "preprocess_request"),
    ("  flask-limiter check", "extension.py", "_check_request_limit"),
    ("view function", "app.py", "dispatch_request"),
    ("  user load (flask-login, identity cache)", "login_manager.py", "_load_user"),
    ("  published article (cached lookup)", "addresses.py", "cached_published_article"),
    ("  published article (ORM query)", "addresses.py", "published_article"),
    ("  approved links (cached)", "linking.py", "visible_suggestions"),
    ("  memoised page, slots filled", "views.py", "_memoised_page"),
    ("  render_template", "templating.py", "render_template"),
    ("  list page: memo key (generations, reader)", "list_pages.py", "_key"),
    ("  memoised page served (lookup, slots filled)", "page_memo.py", "serve"),
    ("    slots filled (name, path, CSRF token)", "chrome.py", "fill_slots"),
    ("  queue page (rows, tags)", "queue.py", "queue_page"),
    ("  queue controls (memoised)", "queue_controls.py", "queue_controls"),
    ("  list rows (memoised)", "list_rows.py", "render_rows"),
    ("  customer list page (rows)", "customer_list.py", "list_page"),
    ("  search content (cached)", "search_page.py", "search_content"),
    ("  session commit", "session.py", "commit"),
    ("after_request hooks, session saved", "app.py", "finalize_request"),
    ("request context pop (DB session closed)", "ctx.py", "pop"),
)


def print_stages(stats: pstats.Stats) -> None:
    """Each stage's cumulative time as a share of the whole request (under the profiler)."""
    found: dict[str, float] = {}
    total = 0.0
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        if filename.endswith("app.py") and function == "wsgi_app":
            total = max(total, cumulative)
        for label, name, wanted in STAGES:
            if filename.endswith(name) and function == wanted:
                found[label] = max(found.get(label, 0.0), cumulative)
    for label, _name, _function in STAGES:
        if label in found and total:
            print(f"  {label:44} {found[label] / total * 100:5.1f} %")


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "article"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    size = os.environ.get("PAGES_BENCH_SIZES", "small").split(",")[0]
    with tempfile.TemporaryDirectory(prefix="pages-profile-") as folder:
        os.environ.update(PORTAL_INSTANCE=folder, PORTAL_DEMO_PASSWORD=PASSWORD)
        from portal import create_app

        app = create_app({"SECRET_KEY": "profile-" + "x1y2z3" * 8, "LOGIN_RATE_LIMIT": "1000 per minute"})
        sizes = pages_data.SMALL if size == "small" else pages_data.LARGE
        seeded = pages_data.seed(app, sizes, random.Random(16))
        paths = {
            "article": (f"/kb/en/a/{seeded.article_slug}", pages_data.CUSTOMER),
            "article-anon": (f"/kb/en/a/{seeded.article_slug}", None),
            "kb": ("/kb/en/", pages_data.CUSTOMER),
            "search": ("/kb/en/search?q=washing+machine", pages_data.CUSTOMER),
            "requests": ("/requests", pages_data.CUSTOMER),
            "queue": ("/staff/requests", pages_data.AGENT),
            "login": ("/login", None),
        }
        path, email = paths[name]
        client = app.test_client()
        if email:
            form = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
            client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        for _ in range(20):
            assert client.get(path).status_code == 200
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(count):
            client.get(path)
        profile.disable()
        elapsed = time.perf_counter() - started
        print(f"{name} ({size}): {elapsed / count * 1000:.2f} ms per request (under the profiler)")
        stats = pstats.Stats(profile).strip_dirs()
        print("share of the request (wsgi_app = 100 %):")
        print_stages(stats)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
