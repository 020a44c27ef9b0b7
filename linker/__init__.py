"""The Shopkeeper linker (placeholder, replaced below)."""
