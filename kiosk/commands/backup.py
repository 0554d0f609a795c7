"""`bangban backup` and `bangban restore` for a SQLite hall: the database copied online with
SQLite's own backup API (consistent while the server keeps writing), and the captured documents,
in one .tar.gz. PostgreSQL is backed up with its own tools (README)."""
from __future__ import annotations

import sqlite3
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from kiosk.config.server import Settings

DB_NAME = "bangban.sqlite3"


class BackupError(ValueError):
    pass


def _sqlite_path(settings: Settings) -> Path:
    if settings.db_url and not settings.db_url.startswith("sqlite"):
        raise BackupError("PostgreSQL 请用 pg_dump / pg_restore 备份和恢复（见 README），"
                          "再单独备份数据目录下的 documents 文件夹")
    return Path(settings.database_url.split("///", 1)[1])


def backup(settings: Settings, out: Path | None = None) -> Path:
    source = _sqlite_path(settings)
    if not source.exists():
        raise BackupError(f"找不到数据库 {source}")
    out = out or settings.data_dir / "backups" / f"bangban-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / DB_NAME
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst, pages=1024, sleep=0.001)  # steps, so the server's writers are not held up
            if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("备份副本完整性检查未通过，请重试")
        finally:
            dst.close()
            src.close()
        partial = out.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(copy, arcname=DB_NAME)
            documents = settings.data_dir / "documents"
            if documents.is_dir():
                tar.add(documents, arcname="documents")
        partial.replace(out)
    return out


def restore(settings: Settings, archive: Path, *, force: bool = False) -> None:
    target = _sqlite_path(settings)
    if target.exists() and not force:
        raise BackupError(f"{target} 已存在：请先停止服务器，确认要覆盖后加 --force")
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        if DB_NAME not in names:
            raise BackupError(f"{archive} 不是 bangban 备份（缺少 {DB_NAME}）")
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in (target, target.with_name(DB_NAME + "-wal"), target.with_name(DB_NAME + "-shm")):
            stale.unlink(missing_ok=True)
        tar.extractall(target.parent, filter="data")
