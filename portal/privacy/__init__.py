"""GDPR tools: a person's data export, erasure by an admin, retention of closed requests."""
