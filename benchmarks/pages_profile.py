"""Where a page's time goes: cProfile over in-process requests (Flask test client).

usage: python benchmarks/pages_profile.py [PAGE] [REQUESTS]
       PAGE one of article, article-anon, kb, search, requests, queue, login (default article);
       PAGES_BENCH_SIZES=large profiles the large data set (slow to seed).
Prints the mean time per request and the top functions by cumulative and by own time.
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
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
