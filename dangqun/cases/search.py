"""Full-text search over a case's title and description, on PostgreSQL and on SQLite.

A query is split on white space into terms; a case matches when it matches every term. A term
matches as a substring, as a user typing 路灯 or 5号楼 expects (Chinese has no spaces to make words).

- PostgreSQL: each term is an ``ILIKE`` on ``title || ' ' || description``, served by a pg_trgm GIN
  index (three characters or more; pg_trgm cuts CJK into trigrams under a UTF-8 ctype). A term without
  CJK characters also matches whole words through ``to_tsvector('simple', …)`` and its own GIN
  index (SearchVector/SearchQuery with config "simple").
- SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34), kept in sync by triggers on
  ``cases_case``; terms of one or two characters, which a trigram index cannot serve, fall back to
  ``LIKE``.

The indexes and triggers are made by migration ``cases.0002_case_fulltext``; docs/architecture.md
("Full-text search") records the measurements behind the choice.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "cases_case_fts"
MAX_TERMS = 8
MAX_QUERY_CHARS = 100
TRIGRAM = 3

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def split_terms(query: str) -> list[str]:
    """The distinct terms of a query, at most ``MAX_TERMS``, in the order given."""
    terms: list[str] = []
    for term in (query or "")[:MAX_QUERY_CHARS].split():
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _substring_q(term: str) -> Q:
    return Q(title__icontains=term) | Q(description__icontains=term)


def _postgresql_term(term: str) -> Q:
    # The same expression as the trigram index, so that the planner can use it.
    substring = RawSQL(
        '("cases_case"."title" || \' \' || "cases_case"."description") ILIKE %s',
        [_like_pattern(term)],
        output_field=BooleanField(),
    )
    q = Q(substring)
    if not has_cjk(term):
        vector = SearchVector("title", "description", config="simple")
        q |= Q(SearchVectorExact(vector, SearchQuery(term, config="simple", search_type="plain")))
    return q


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite_term(term: str) -> Q:
    if len(term) < TRIGRAM:
        return _substring_q(term)
    matching = RawSQL(  # noqa: S611 - constant SQL, the term is a bound parameter
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608 - constant table name
        [_fts5_phrase(term)],
    )
    return Q(pk__in=matching)


def search_q(query: str) -> Q:
    """A filter on ``Case`` for ``query``; an empty query matches everything."""
    terms = split_terms(query)
    vendor = connection.vendor
    q = Q()
    for term in terms:
        if vendor == "postgresql":
            q &= _postgresql_term(term)
        elif vendor == "sqlite":
            q &= _sqlite_term(term)
        else:
            q &= _substring_q(term)
    return q
