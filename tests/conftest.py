"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

import os

os.environ.setdefault("DANGQUN_TESTING", "1")
