"""The staff workspace: each staff role's home page."""
