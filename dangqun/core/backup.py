"""Backup and restore of the database and the media files, as one ``.tar.gz`` archive.

The archive holds ``manifest.json`` (format, engine, row counts per table, SHA-256 of every member),
``database/db.sqlite3`` (SQLite, copied with the online backup API, so a running server is fine) or
``database/db.pgdump`` (PostgreSQL, ``pg_dump -Fc`` of one snapshot, the counts taken in the same
snapshot), and ``media/…`` (uploaded files: attachments, imports).

Restore checks everything before it changes anything: the archive opens, the manifest is ours and of
this database engine, every member is listed with the right checksum and nothing else is there, and
the dump is readable (SQLite: ``integrity_check`` and the row counts; PostgreSQL: ``pg_restore
--list``). Only then does it replace the database (SQLite: the backup API into the target;
PostgreSQL: ``pg_restore --clean --if-exists --single-transaction``) and write the media files.

Core may not import the apps above it: tables are named generically through ``django.apps``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections

from dangqun.core import clock

FORMAT = "dangqun-backup"
VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.pgdump"}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (in Chinese, for the operator)."""


@dataclass
class Manifest:
    engine: str
    created_at: str
    counts: dict[str, int]
    database: dict[str, Any]
    media: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "engine": self.engine,
            "created_at": self.created_at,
            "counts": self.counts,
            "database": self.database,
            "media": self.media,
        }


# --- helpers ------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def engine_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"不支持的数据库类型: {vendor}")
    return vendor


def table_labels() -> dict[str, str]:
    """db_table → model label (``cases.Case``) for every concrete model, auto-created m2m tables too."""
    labels: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy:
            labels.setdefault(meta.db_table, meta.label)
    return labels


def _count_tables(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    labels = table_labels()
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from the catalogue
        counts[labels.get(table, table)] = int(cursor.fetchone()[0])
    return counts


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file (opened read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        return _count_tables(cursor, tables, _quote)
    finally:
        conn.close()


def _pg_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    )
    tables = [row[0] for row in cursor.fetchall()]
    return _count_tables(cursor, tables, _quote)


def database_counts(alias: str = "default") -> dict[str, int]:
    """Rows per table of the live database ``alias`` (what a restore is checked against)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _pg_counts(cursor)
        tables = connection.introspection.table_names(cursor)
        return _count_tables(cursor, tables, _quote)


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


# --- PostgreSQL client tools --------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"未找到 {name}:请安装 PostgreSQL 客户端工具(如 apt install postgresql-client)")
    return found


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    db = connections[alias].settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return [*args, "--no-password", "--dbname", str(db["NAME"])], env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what}失败: {result.stderr.strip()[-800:]}")
    return result.stdout


# --- backup -------------------------------------------------------------------------------------------


def _dump_sqlite(alias: str, target: Path) -> dict[str, int]:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return sqlite_counts(target)


def _dump_postgresql(alias: str, target: Path) -> dict[str, int]:
    """pg_dump of one exported snapshot; the counts are read in the same snapshot."""
    pg_dump = _pg_tool("pg_dump")
    connection = connections[alias]
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            args, env = _pg_args(alias)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target), *args],
                env,
                "pg_dump ",
            )
        raw.rollback()
    finally:
        raw.close()
    return counts


def backup(output: Path, alias: str = "default") -> Manifest:
    """Write the archive to ``output`` (atomically: a temporary file renamed at the end)."""
    engine = engine_of(alias)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dangqun-backup-") as tmp:
        dump = Path(tmp) / PurePosixPath(DB_MEMBER[engine]).name
        counts = _dump_sqlite(alias, dump) if engine == "sqlite" else _dump_postgresql(alias, dump)
        root = media_root()
        media: list[dict[str, Any]] = [
            {
                "path": path.relative_to(root).as_posix(),
                "size": path.stat().st_size,
                "sha256": sha256_file(path),
            }
            for path in _media_files(root)
        ]
        manifest = Manifest(
            engine=engine,
            created_at=clock.now().isoformat(),
            counts=counts,
            database={"member": DB_MEMBER[engine], "size": dump.stat().st_size, "sha256": sha256_file(dump)},
            media=media,
        )
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest.as_json(), ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(clock.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DB_MEMBER[engine], recursive=False)
            for item in media:
                archive.add(root / item["path"], arcname=MEDIA_PREFIX + item["path"], recursive=False)
        partial.replace(output)
    return manifest


# --- restore: checks ----------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_archive(path: Path, workdir: Path, alias: str = "default") -> Manifest:
    """Unpack and check the archive into ``workdir``; raise ``BackupError`` on anything wrong."""
    if not path.is_file():
        raise BackupError(f"备份文件不存在: {path}")
    try:
        _check_gzip_stream(path)
        with tarfile.open(path, "r:gz") as archive:
            members = archive.getmembers()
            files = {m.name: m for m in members if m.isfile()}
            if any(not (m.isfile() or m.isdir()) or not _safe_member(m.name) for m in members):
                raise BackupError("备份文件含有不安全的条目(链接或越界路径),已拒绝")
            if MANIFEST not in files:
                raise BackupError("这不是党群一张网的备份文件(缺少 manifest.json)")
            archive.extractall(workdir, members=list(files.values()), filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"备份文件已损坏或不是 tar.gz: {exc}") from None
    manifest = _load_manifest(workdir / MANIFEST)
    engine = engine_of(alias)
    if manifest.engine != engine:
        raise BackupError(f"这是 {manifest.engine} 数据库的备份,当前数据库是 {engine},不能恢复")
    expected = {manifest.database["member"]} | {MEDIA_PREFIX + m["path"] for m in manifest.media} | {MANIFEST}
    if set(files) != expected:
        extra, missing = sorted(set(files) - expected)[:5], sorted(expected - set(files))[:5]
        raise BackupError(f"备份内容与清单不符:多出 {extra},缺少 {missing}")
    _check_sum(
        workdir / manifest.database["member"], manifest.database["sha256"], manifest.database["member"]
    )
    for item in manifest.media:
        _check_sum(workdir / (MEDIA_PREFIX + item["path"]), item["sha256"], item["path"])
    _check_dump(workdir / manifest.database["member"], manifest)
    return manifest


def _check_gzip_stream(path: Path) -> None:
    """Read the whole gzip stream once so its CRC is checked.

    ``tarfile`` stops at the tar end-of-archive blocks and may never reach the
    gzip trailer, so a flipped byte inside a member would otherwise pass
    unnoticed until that member is parsed.
    """
    with gzip.open(path, "rb") as stream:
        while stream.read(1 << 20):
            pass


def _load_manifest(path: Path) -> Manifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError("备份清单(manifest.json)已损坏,无法读取") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError("这不是党群一张网的备份文件(清单格式不符)")
    if data.get("version") != VERSION:
        raise BackupError(f"不支持的备份格式版本: {data.get('version')}")
    try:
        database = dict(data["database"])
        if database["member"] not in DB_MEMBER.values():
            raise BackupError("备份清单中的数据库文件名不符")
        return Manifest(
            engine=str(data["engine"]),
            created_at=str(data["created_at"]),
            counts={str(k): int(v) for k, v in dict(data["counts"]).items()},
            database=database,
            media=[
                {"path": str(m["path"]), "size": int(m["size"]), "sha256": str(m["sha256"])}
                for m in data["media"]
            ],
        )
    except (KeyError, TypeError, ValueError):
        raise BackupError("备份清单(manifest.json)缺少字段或字段有误") from None


def _check_sum(path: Path, expected: str, name: str) -> None:
    if sha256_file(path) != expected:
        raise BackupError(f"校验和不符,备份文件已损坏: {name}")


def _check_dump(dump: Path, manifest: Manifest) -> None:
    if manifest.engine == "sqlite":
        try:
            conn = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
            try:
                result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                conn.close()
            counts = sqlite_counts(dump)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"备份中的 SQLite 数据库已损坏: {exc}") from None
        if result != "ok":
            raise BackupError(f"备份中的 SQLite 数据库未通过完整性检查: {result}")
        if counts != manifest.counts:
            raise BackupError("备份中的数据库行数与清单不符")
        return
    _run([_pg_tool("pg_restore"), "--list", str(dump)], dict(os.environ), "读取备份(pg_restore --list)")


def target_has_data(alias: str = "default") -> bool:
    """Whether restoring into ``alias`` would overwrite something (any table with a row, or media)."""
    if any(media_root().rglob("*")) if media_root().is_dir() else False:
        return True
    return any(database_counts(alias).values())


# --- restore: changes ---------------------------------------------------------------------------------


def _restore_sqlite(dump: Path, alias: str) -> None:
    """The backup API from the dump into the live connection: one step, under SQLite's own lock."""
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(f"恢复 SQLite 数据库失败: {exc}") from None
    finally:
        source.close()


def _restore_postgresql(dump: Path, alias: str) -> None:
    pg_restore = _pg_tool("pg_restore")
    args, env = _pg_args(alias)
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *args,
            str(dump),
        ],
        env,
        "pg_restore ",
    )


def _restore_media(source: Path, manifest: Manifest) -> None:
    root = media_root()
    for item in manifest.media:
        target = root / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".restoring")
        shutil.copyfile(source / item["path"], partial)
        partial.replace(target)


def restore(path: Path, *, overwrite: bool, alias: str = "default") -> Manifest:
    """Check the archive, then replace the database and write the media files."""
    with tempfile.TemporaryDirectory(prefix="dangqun-restore-") as tmp:
        workdir = Path(tmp)
        manifest = read_archive(path, workdir, alias)
        if not overwrite and target_has_data(alias):
            raise BackupError("目标数据库或媒体目录已有数据;确认覆盖请加 --yes")
        dump = workdir / manifest.database["member"]
        if manifest.engine == "sqlite":
            _restore_sqlite(dump, alias)
        else:
            _restore_postgresql(dump, alias)
        counts = database_counts(alias)
        if counts != manifest.counts:
            wrong = sorted(
                k for k in set(counts) | set(manifest.counts) if counts.get(k) != manifest.counts.get(k)
            )
            raise BackupError(f"恢复后的行数与清单不符: {wrong[:10]}")
        _restore_media(workdir / MEDIA_PREFIX.rstrip("/"), manifest)
    return manifest
