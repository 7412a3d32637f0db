"""The seeded synthetic city (see generate.py)."""
