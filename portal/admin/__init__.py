"""Administration: users and roles, audit log."""
