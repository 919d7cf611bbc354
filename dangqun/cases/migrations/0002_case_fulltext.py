"""Full-text search indexes for cases (``dangqun.cases.search``), per database.

PostgreSQL: a GIN index on ``to_tsvector('simple', title || ' ' || description)`` for whole words,
and a pg_trgm GIN index on ``title || ' ' || description`` for substrings (CJK included). pg_trgm is a
trusted extension (PostgreSQL 13+): the database owner may create it. Where it cannot be created the
trigram index is skipped and substring search still works, by a scan.

SQLite: an external-content FTS5 table with the trigram tokenizer, filled from ``cases_case`` and kept
in sync by INSERT/UPDATE/DELETE triggers, so that no write path has to remember it.
"""

from django.db import migrations

PG_TSVECTOR_INDEX = (
    "CREATE INDEX IF NOT EXISTS cases_case_fts_simple ON cases_case USING GIN "
    "(to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, '')))"
)
PG_TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS cases_case_trgm ON cases_case USING GIN "
    "((title || ' ' || description) gin_trgm_ops)"
)

SQLITE_FORWARD = [
    ("CREATE VIRTUAL TABLE IF NOT EXISTS cases_case_fts USING fts5("
    "title, description, content='cases_case', content_rowid='id', tokenize='trigram')"),
    "INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')",
    ("CREATE TRIGGER IF NOT EXISTS cases_case_fts_ai AFTER INSERT ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(rowid, title, description) VALUES (new.id, new.title, new.description); "
    "END"),
    ("CREATE TRIGGER IF NOT EXISTS cases_case_fts_ad AFTER DELETE ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    "END"),
    ("CREATE TRIGGER IF NOT EXISTS cases_case_fts_au AFTER UPDATE OF title, description ON cases_case BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    "INSERT INTO cases_case_fts(rowid, title, description) VALUES (new.id, new.title, new.description); "
    "END"),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_case_fts_au",
    "DROP TRIGGER IF EXISTS cases_case_fts_ad",
    "DROP TRIGGER IF EXISTS cases_case_fts_ai",
    "DROP TABLE IF EXISTS cases_case_fts",
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(PG_TSVECTOR_INDEX)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SAVEPOINT cases_trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(PG_TRIGRAM_INDEX)
                cursor.execute("RELEASE SAVEPOINT cases_trgm")
        except Exception:  # no privilege to create pg_trgm: substring search scans instead
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK TO SAVEPOINT cases_trgm")
    elif connection.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cases_case_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS cases_case_fts_simple")
    elif connection.vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
