"""Inbound mail: read mailboxes, turn mail into requests and replies, exactly once.

parse.py (MIME to clean text and files), quotes.py (cut quoted history and signatures),
html_text.py (HTML-only mail to plain text), loops.py (auto-replies, bounces, own mail),
ingest.py (one message to a request or reply), fetch.py (the IMAP loop), commands.py (CLI bodies).
"""
