"""Background jobs: with PORTAL_REDIS_URL, link scans run on an RQ worker (`portal worker`);
without Redis they run inline, in the request that published the article.

A Redis outage loses no job: when the job cannot be put on the queue, it runs inline instead
(slower for that one request) and a warning is logged. Jobs already queued live in Redis; if
Redis loses its data, `portal linker rescan` redoes the scans (they are idempotent). The worker
waits for Redis to come back instead of exiting.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app

log = logging.getLogger("portal.jobs")
CONNECT_TIMEOUT = 1.0
SOCKET_TIMEOUT = 5.0
WORKER_RETRY_SECONDS = 5.0


def scan_article_job(article_id: int) -> int:
    """RQ job: scan one article for link suggestions (runs in the worker's app context)."""
    from portal import create_app

    app = create_app()
    with app.app_context():
        return _scan(app, article_id)


def _scan(app: Flask, article_id: int) -> int:
    from knowledge_base.models import Article
    from portal.db import get_session
    from portal.marketing import linking

    db = get_session()
    article = db.get(Article, article_id)
    if article is None:
        return 0
    created = linking.scan_article(db, article, app)
    db.commit()
    return len(created)


def queue(app: Flask | None = None):
    """The RQ queue, or None when Redis is not configured."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT)
    return Queue("shopkeeper", connection=connection)


def request_scan(article_id: int) -> str:
    """Enqueue a scan for the worker, or run it now without Redis or during a Redis outage.

    Returns 'queued' or 'done'.
    """
    from redis import RedisError

    jobs = queue()
    if jobs is not None:
        try:
            jobs.enqueue(scan_article_job, article_id, job_timeout=600)
        except RedisError as exc:
            log.warning("Redis is unavailable (%s): scanning article %s inline instead.", exc, article_id)
        else:
            return "queued"
    _scan(current_app._get_current_object(), article_id)
    return "done"


def run_worker(jobs, *, burst: bool = False, sleep=time.sleep, attempts: int | None = None) -> None:
    """Run the RQ worker; when Redis goes away, wait and start again instead of exiting.

    `attempts` bounds the restarts (tests); None means forever.
    """
    from redis import RedisError
    from rq import Worker

    tries = 0
    while True:
        try:
            Worker([jobs], connection=jobs.connection).work(burst=burst)
            return
        except RedisError as exc:
            tries += 1
            if attempts is not None and tries >= attempts:
                raise
            log.warning("Redis is unavailable (%s): the worker retries in %ss.", exc, WORKER_RETRY_SECONDS)
            sleep(WORKER_RETRY_SECONDS)
