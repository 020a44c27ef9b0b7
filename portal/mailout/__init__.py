"""Outbound mail: the outbox, threaded request mails, agent preferences, request settings."""
