"""Background jobs: with PORTAL_REDIS_URL, link scans run on an RQ worker (`portal worker`);
without Redis they run inline, in the request that published the article."""

from __future__ import annotations

from flask import Flask, current_app


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

    return Queue("shopkeeper", connection=Redis.from_url(url))


def request_scan(article_id: int) -> str:
    """Scan an article now, or enqueue it when a worker is available; returns 'queued' or 'done'."""
    jobs = queue()
    if jobs is not None:
        jobs.enqueue(scan_article_job, article_id, job_timeout=600)
        return "queued"
    _scan(current_app._get_current_object(), article_id)
    return "done"
