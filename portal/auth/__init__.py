"""Accounts: registration, login, password reset, account settings."""
