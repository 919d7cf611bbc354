"""Writes of the party app, one module per kind of record (``members``: party members)."""
