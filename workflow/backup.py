"""Backup and restore of the whole database (attachments and issued documents live in it too).

SQLite: the online backup API, a consistent snapshot even while the app writes; PostgreSQL: `pg_dump` in its custom
format and `pg_restore` in one transaction. Raises BackupError with a Vietnamese message when something is wrong."""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from workflow.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(DomainError):
    """Why a backup or a restore cannot be done, in Vietnamese."""


def backend(database_url: str) -> str:
    """'sqlite' or 'postgresql', whatever driver the URL names."""
    name = make_url(database_url).get_backend_name()
    if name not in KINDS:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại “{name}”.")
    return name


def default_path(backup_dir: Path, database_url: str, now: datetime, label: str = "") -> Path:
    """instance/backups/antq-20261123-081500.sqlite3 (or .dump for PostgreSQL), in the office's local time."""
    suffix = ".sqlite3" if backend(database_url) == "sqlite" else ".dump"
    return Path(backup_dir) / f"antq-{now:%Y%m%d-%H%M%S}{label}{suffix}"


def backup(database_url: str, path: Path) -> Path:
    """Write a consistent snapshot of the database to `path` (written aside, then renamed: never half a file)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"Tệp “{path}” đã có: chọn tên khác để không ghi đè bản sao lưu cũ.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        _private_file(partial)
        if backend(database_url) == "sqlite":
            _sqlite_backup(_sqlite_file(database_url), partial)
        else:
            _run(["pg_dump", "--format=custom", f"--file={partial}"], database_url)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _private_file(path: Path) -> None:
    """An empty file only its owner may read, made before any byte is written into it: a backup holds every
    password hash and attachment. SQLite and pg_dump write into the file as it is, keeping its mode."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    path.chmod(0o600)  # whatever the umask took away, nothing more may be added


def check_restorable(database_url: str, path: Path) -> None:
    """Raise BackupError unless `path` is a backup of the same kind of database as the one in use."""
    kind, found = backend(database_url), kind_of(Path(path))
    if found != kind:
        raise BackupError(
            f"Tệp “{Path(path).name}” là bản sao lưu {KINDS[found]}, còn cơ sở dữ liệu đang dùng là {KINDS[kind]}: "
            "không khôi phục."
        )


def restore(database_url: str, path: Path) -> None:
    """Replace every table of the database by those of the backup at `path`. The caller closes its connections."""
    path = Path(path)
    check_restorable(database_url, path)
    if backend(database_url) == "sqlite":
        _sqlite_restore(path, _sqlite_file(database_url))
    else:
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        _run([*command, "--single-transaction", "--exit-on-error", str(path)], database_url)


def kind_of(path: Path) -> str:
    """'sqlite' or 'postgresql' from the file's first bytes."""
    if not path.is_file():
        raise BackupError(f"Không có tệp “{path}”.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"Tệp “{path.name}” không phải bản sao lưu (SQLite hoặc pg_dump định dạng custom).")


# SQLite -----------------------------------------------------------------------------------------------------


def _sqlite_file(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ: không có gì để sao lưu hoặc khôi phục.")
    return Path(database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"Không có cơ sở dữ liệu “{source}”.")
    with closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as live:
        with closing(sqlite3.connect(target)) as copy:
            live.backup(copy)  # all pages in one step, under one read lock: a consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            _check_sqlite(copy, target)


def _sqlite_restore(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as saved:
        _check_sqlite(saved, source)
        with closing(sqlite3.connect(target, timeout=30)) as live:
            saved.backup(live)  # in one step: other connections see the old database or the new one


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise BackupError(f"Tệp “{path.name}” bị hỏng: {problems[0]}")


# PostgreSQL -------------------------------------------------------------------------------------------------


def _run(command: list[str], database_url: str) -> None:
    """Run pg_dump or pg_restore against the app's database: the URL without SQLAlchemy's driver, and the
    password in the environment rather than on the command line, where `ps` would show it."""
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"Chưa cài {command[0]} (gói postgresql-client) trên máy này.")
    url, env = _libpq_url(database_url)
    result = subprocess.run(
        [program, f"--dbname={url}", *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} báo lỗi: {result.stderr.strip() or result.returncode}")


def _libpq_url(database_url: str) -> tuple[str, dict[str, str]]:
    url: URL = make_url(database_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
        url = url.set(password=None)
    return url.render_as_string(hide_password=False), env
