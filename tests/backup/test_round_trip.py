"""Backup and restore round trip, on the database the suite runs on.

The archive is restored into a scratch database (SQLite: a temporary file; PostgreSQL: a database
this test creates and drops), never into the test database or the developer's, and the media into a
temporary directory. Every case, audit event and attachment comes back, with the same checksums; a
damaged, tampered or foreign archive is refused and changes nothing; overwriting needs ``--yes``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import override_settings

from dangqun.cases.models import Attachment, Case
from dangqun.core.backup import database_counts
from dangqun.core.models import AuditEvent

SCRATCH = "backup_scratch"
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8  # the bytes only need to come back unchanged


@dataclass
class Backup:
    archive: Path
    before: dict[str, Any]
    media: dict[str, str]


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory, django_db_blocker) -> Iterator[Backup]:  # type: ignore[no-untyped-def]
    """One committed attachment (pg_dump sees committed rows only) in a media root of its own, then
    the backup, taken outside any test transaction as a running server would be."""
    root = tmp_path_factory.mktemp("media-source")
    archive = tmp_path_factory.mktemp("out") / "dangqun.tar.gz"
    with override_settings(MEDIA_ROOT=str(root)), django_db_blocker.unblock():
        case = Case.objects.order_by("pk").first()
        assert case is not None, "the demo has no case"
        path = default_storage.save("attachments/backup/photo.png", ContentFile(PHOTO))
        attachment = Attachment.objects.create(
            case=case,
            stage="report",
            file=path,
            content_type="image/png",
            size=len(PHOTO),
            sha256=hashlib.sha256(PHOTO).hexdigest(),
            original_name="photo.png",
        )
        try:
            call_command("backup", output=str(archive), stdout=io.StringIO())
            yield Backup(archive, _snapshot("default"), _digest(root))
        finally:
            attachment.delete()


@pytest.fixture
def scratch(db, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A second database alias pointing at an empty scratch database."""
    default = connections["default"]
    settings = {**default.settings_dict}
    settings.pop("TEST", None)
    created = ""
    if default.vendor == "postgresql":
        created = f"dangqun_backup_scratch_{os.getpid()}"
        _admin_sql(f'DROP DATABASE IF EXISTS "{created}"')
        _admin_sql(f'CREATE DATABASE "{created}"')
        settings["NAME"] = created
    else:
        settings["NAME"] = str(tmp_path / "scratch.sqlite3")
    connections.settings[SCRATCH] = settings
    connections[SCRATCH].connect()  # the test case refuses to open a connection to an undeclared alias
    try:
        yield SCRATCH
    finally:
        connections[SCRATCH].close()
        del connections[SCRATCH]
        del connections.settings[SCRATCH]
        if created:
            _admin_sql(f'DROP DATABASE IF EXISTS "{created}"')


def _admin_sql(sql: str) -> None:
    default = connections["default"]
    raw = default.get_new_connection(default.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute(sql)
    finally:
        raw.close()


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _snapshot(alias: str) -> dict[str, Any]:
    return {
        "cases": sorted(Case.objects.using(alias).values_list("code", "status", "title", "version")),
        "events": sorted(AuditEvent.objects.using(alias).values_list("pk", "event_type", "target_id")),
        "attachments": sorted(Attachment.objects.using(alias).values_list("pk", "file", "sha256")),
    }


def test_backup_then_restore_brings_every_case_event_and_attachment_back(backed_up, scratch, tmp_path):  # type: ignore[no-untyped-def]
    archive, before, before_media = backed_up.archive, backed_up.before, backed_up.media
    assert before["cases"]
    assert before["events"]
    assert before["attachments"]
    assert "attachments/backup/photo.png" in before_media

    target_media = tmp_path / "media-restored"
    with override_settings(MEDIA_ROOT=str(target_media)):
        out = io.StringIO()
        call_command("restore", str(archive), database=scratch, stdout=out)
        assert "已恢复" in out.getvalue()
        assert _snapshot(scratch) == before
        assert _digest(target_media) == before_media
        for attachment in Attachment.objects.using(scratch).all():
            data = (target_media / attachment.file).read_bytes()
            assert hashlib.sha256(data).hexdigest() == attachment.sha256
        with tarfile.open(archive) as opened:
            manifest = json.loads(opened.extractfile("manifest.json").read())  # type: ignore[union-attr]
        assert database_counts(scratch) == manifest["counts"]
        assert manifest["counts"]["cases.Case"] == len(before["cases"])
        assert manifest["counts"]["core.AuditEvent"] == len(before["events"])
        assert manifest["counts"]["cases.Attachment"] == len(before["attachments"])

        # Now the scratch database holds data: overwriting it needs --yes, and then works.
        with pytest.raises(CommandError, match="--yes"):
            call_command("restore", str(archive), database=scratch, stdout=io.StringIO())
        call_command("restore", str(archive), database=scratch, yes=True, stdout=io.StringIO())
        assert _snapshot(scratch) == before


def _rewrite(archive: Path, target: Path, change: Any) -> Path:
    """A copy of ``archive`` with ``change(name, data) -> data | None`` applied to each member."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def _flip_manifest(field: str, value: Any) -> Any:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest[field] = value
        return json.dumps(manifest).encode()

    return change


def _other_engine(alias: str) -> str:
    return "postgresql" if connections[alias].vendor == "sqlite" else "sqlite"


def test_a_damaged_tampered_or_foreign_archive_is_refused_and_changes_nothing(backed_up, scratch, tmp_path):  # type: ignore[no-untyped-def]
    archive = backed_up.archive
    target_media = tmp_path / "media-target"
    with override_settings(MEDIA_ROOT=str(target_media)):
        call_command("restore", str(archive), database=scratch, stdout=io.StringIO())
        baseline = database_counts(scratch)
        (target_media / "kept.txt").write_bytes(b"mine")
        baseline_media = _digest(target_media)

        raw = archive.read_bytes()
        truncated = tmp_path / "truncated.tar.gz"
        truncated.write_bytes(raw[: len(raw) // 2])
        flipped = tmp_path / "flipped.tar.gz"
        flipped.write_bytes(raw[:200] + bytes([raw[200] ^ 0xFF]) + raw[201:])
        garbage = tmp_path / "garbage.tar.gz"
        garbage.write_bytes(b"not a backup at all")
        foreign = tmp_path / "foreign.tar.gz"
        with tarfile.open(foreign, "w:gz") as out:
            info = tarfile.TarInfo("manifest.json")
            data = json.dumps({"format": "something-else"}).encode()
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
        cases = [
            (truncated, "损坏"),
            (flipped, "损坏|校验和"),
            (garbage, "损坏"),
            (foreign, "不是党群一张网的备份"),
            (tmp_path / "missing.tar.gz", "不存在"),
            (
                _rewrite(
                    archive,
                    tmp_path / "tampered.tar.gz",
                    lambda n, d: d[:-1] + bytes([d[-1] ^ 1]) if n.startswith("database/") else d,
                ),
                "校验和",
            ),
            (
                _rewrite(
                    archive,
                    tmp_path / "lost-photo.tar.gz",
                    lambda n, d: None if n.startswith("media/attachments/backup/") else d,
                ),
                "清单不符",
            ),
            (
                _rewrite(
                    archive,
                    tmp_path / "other-engine.tar.gz",
                    _flip_manifest("engine", _other_engine(scratch)),
                ),
                "不能恢复",
            ),
            (_rewrite(archive, tmp_path / "v9.tar.gz", _flip_manifest("version", 9)), "版本"),
        ]
        for path, message in cases:
            with pytest.raises(CommandError, match=message):
                call_command("restore", str(path), database=scratch, yes=True, stdout=io.StringIO())
            assert database_counts(scratch) == baseline, path.name
            assert _digest(target_media) == baseline_media, path.name


def test_an_archive_with_a_path_outside_is_refused(scratch, tmp_path):  # type: ignore[no-untyped-def]
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as out:
        for name in ("manifest.json", "../escape.txt"):
            info = tarfile.TarInfo(name)
            info.size = 2
            out.addfile(info, io.BytesIO(b"{}"))
    with pytest.raises(CommandError, match="不安全"):
        call_command("restore", str(evil), database=scratch, yes=True, stdout=io.StringIO())
    assert not (tmp_path.parent / "escape.txt").exists()
