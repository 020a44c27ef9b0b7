"""Service requests: customers raise and follow them, staff resolve them under SLAs."""
