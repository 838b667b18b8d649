"""`flask backup` and `flask restore`: a populated database goes out to a file and comes back exactly, row for row and
byte for byte, on SQLite and on PostgreSQL, on the tests' schema and on a migrated one (history triggers kept)."""

import os
import stat

import flask_migrate
import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DatabaseError

from app import create_app
from tests import factories
from tests.conftest import BACKENDS
from tests.test_migrations import MIGRATIONS, fresh_database, loggers_kept
from workflow.extensions import db
from workflow.models import Attachment, IssuedDocument, Nomination, NominationEvent, ReportEvent, Unit
from workflow.services import attachments, nominations
from workflow.states import ReportState, State

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".dump"}


def populate(w) -> None:
    """Nominations through the chain (history), an issued decision (stored .docx), an attachment, reports."""
    awarded = factories.seed_003_nominations(w)[:3]
    factories.create_decision(w, awarded)
    factories.create_nomination(w, state=State.returned, name="Trần Văn Trả")
    attachments.add(w.clerk_c1, factories.create_nomination(w, name="Có Tệp"), "bien-ban.pdf", PDF)
    period = factories.create_period(w)
    factories.create_report(w, period, w.c1, state=ReportState.submitted, values={"TB_TIN": 3})
    db.session.commit()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: two snapshots are equal only if the data are."""
    db.session.rollback()
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))]
            for table in db.metadata.sorted_tables
        }


def change_everything(w) -> None:
    """A new nomination with its history, an edited unit, a deleted attachment."""
    factories.create_nomination(w, state=State.submitted, name="Người Mới Sau Sao Lưu")
    db.session.get(Unit, w.c1.id).name = "Tên đơn vị đã đổi"
    db.session.delete(db.session.scalar(select(Attachment)))
    db.session.commit()


def invoke(runner, *args):
    db.session.rollback()  # our session must hold no lock the restore would wait for
    return runner.invoke(args=[str(arg) for arg in args])


@pytest.fixture
def backups(app, tmp_path):
    """instance/backups/ of this test: where `flask backup` without a path and the pre-restore copy go."""
    app.config["BACKUP_DIR"] = tmp_path / "backups"
    return tmp_path / "backups"


def test_restore_brings_back_every_row_document_and_history_entry_as_at_the_backup(app, world, runner, backups):
    populate(world)
    before = snapshot()
    decision_docx = db.session.scalar(select(IssuedDocument.data).where(IssuedDocument.kind == "decision"))
    history = before["nomination_events"], before["report_events"]
    assert decision_docx.startswith(b"PK") and all(history)

    path = backups.parent / f"antq{SUFFIX[app.config['BACKEND']]}"
    result = invoke(runner, "backup", path)
    assert result.exit_code == 0, result.output
    assert f"Đã sao lưu vào “{path}”" in result.output
    assert path.read_bytes().startswith(MAGIC[app.config["BACKEND"]])

    change_everything(world)
    assert snapshot() != before

    result = invoke(runner, "restore", path, "--yes")
    assert result.exit_code == 0, result.output
    assert f"Đã khôi phục từ “{path}”" in result.output

    after = snapshot()
    assert {name: len(rows) for name, rows in after.items()} == {name: len(rows) for name, rows in before.items()}
    assert after == before
    assert db.session.scalar(select(IssuedDocument.data).where(IssuedDocument.kind == "decision")) == decision_docx
    assert db.session.scalar(select(Attachment.data)) == PDF
    assert (after["nomination_events"], after["report_events"]) == history
    # The data changed after the backup went somewhere safe before being replaced.
    (kept,) = backups.glob("antq-*-truoc-khoi-phuc*")
    assert kept.read_bytes().startswith(MAGIC[app.config["BACKEND"]])


def test_after_a_restore_the_app_goes_on_working_and_new_ids_follow_the_restored_ones(app, world, runner, backups):
    populate(world)
    path = backups.parent / "antq.backup"
    assert invoke(runner, "backup", path).exit_code == 0
    change_everything(world)
    assert invoke(runner, "restore", path, "--yes").exit_code == 0

    highest = max(db.session.scalars(select(Nomination.id)))
    clerk = db.session.scalar(select(type(world.clerk_c1)).where(type(world.clerk_c1).username == "clerk_c1"))
    made = nominations.create(clerk, factories.nomination_data(world, db.session.get(Unit, world.c1.id)))
    nominations.perform(clerk, made, "submit")
    db.session.commit()
    assert made.id == highest + 1
    events = select(NominationEvent.action).filter_by(nomination_id=made.id).order_by(NominationEvent.id)
    assert db.session.scalars(events).all() == ["create", "submit"]


def test_backup_without_a_path_writes_a_timestamped_file_in_the_backup_folder(app, world, runner, backups):
    result = invoke(runner, "backup")
    assert result.exit_code == 0, result.output
    (written,) = backups.iterdir()
    assert written.name.startswith("antq-20") and written.suffix == SUFFIX[app.config["BACKEND"]]
    assert f"“{written}”" in result.output


def test_backups_and_their_folder_are_readable_by_their_owner_only(app, world, runner, backups):
    """A backup holds every password hash and attachment: mode 0600 from its first byte, whatever the umask, in a
    folder of mode 0700 when the backup makes it."""
    previous = os.umask(0o022)  # the usual umask, which leaves new files readable by everyone
    try:
        result = invoke(runner, "backup")
        named = invoke(runner, "backup", backups.parent / "ban-sao" / "antq.backup")
    finally:
        os.umask(previous)
    assert result.exit_code == 0 and named.exit_code == 0, result.output + named.output
    (written,) = backups.iterdir()
    for file in (written, backups.parent / "ban-sao" / "antq.backup"):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, oct(file.stat().st_mode)
        assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700, oct(file.parent.stat().st_mode)


def test_backup_never_overwrites_an_existing_file(app, world, runner, backups):
    path = backups.parent / "antq.backup"
    path.write_bytes(b"an older backup")
    result = invoke(runner, "backup", path)
    assert result.exit_code != 0
    assert "đã có: chọn tên khác" in result.output
    assert path.read_bytes() == b"an older backup"


def test_restore_without_yes_refuses_and_changes_nothing(app, world, runner, backups):
    path = backups.parent / "antq.backup"
    assert invoke(runner, "backup", path).exit_code == 0
    factories.create_nomination(world, name="Không Được Mất")
    before = snapshot()

    result = invoke(runner, "restore", path)
    assert result.exit_code != 0
    assert "Chạy lại với --yes để xác nhận." in result.output
    assert snapshot() == before
    assert not backups.exists() or not list(backups.glob("*truoc-khoi-phuc*"))


def test_restore_refuses_a_backup_of_the_other_kind_of_database(app, world, runner, backups):
    other = "postgresql" if app.config["BACKEND"] == "sqlite" else "sqlite"
    path = backups.parent / f"other{SUFFIX[other]}"
    path.write_bytes(MAGIC[other] + b"\x00" * 100)
    before = snapshot()

    result = invoke(runner, "restore", path, "--yes")
    assert result.exit_code != 0
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    expected = f"là bản sao lưu {names[other]}, còn cơ sở dữ liệu đang dùng là {names[app.config['BACKEND']]}"
    assert expected in result.output
    assert "Traceback" not in result.output
    assert snapshot() == before


@pytest.mark.parametrize("content", [b"", b"just some text, not a backup"], ids=["empty", "text"])
def test_restore_refuses_a_file_that_is_not_a_backup(app, world, runner, backups, content):
    path = backups.parent / "not-a-backup.sqlite3"
    path.write_bytes(content)
    result = invoke(runner, "restore", path, "--yes")
    assert result.exit_code != 0
    assert "không phải bản sao lưu" in result.output
    assert snapshot()["users"]


def test_restore_of_a_missing_file_says_so(app, runner, backups):
    result = invoke(runner, "restore", backups.parent / "khong-co.dump", "--yes")
    assert result.exit_code != 0
    assert "Không có tệp" in result.output


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_migrated_database_round_trips_with_its_history_still_append_only(backend, tmp_path):
    """On a database built by the migrations, history rows are guarded by triggers: the restore brings the rows
    back and the triggers with them."""
    with fresh_database(backend, tmp_path) as url, loggers_kept():
        migrated = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
        migrated.config["BACKUP_DIR"] = tmp_path / "backups"
        runner = migrated.test_cli_runner()
        with migrated.app_context():
            try:
                flask_migrate.upgrade(directory=MIGRATIONS)
                world = factories.build_world()
                populate(world)
                before = snapshot()
                path = tmp_path / f"migrated{SUFFIX[backend]}"
                assert invoke(runner, "backup", path).exit_code == 0

                factories.create_nomination(world, state=State.submitted, name="Sau Sao Lưu")
                result = invoke(runner, "restore", path, "--yes")
                assert result.exit_code == 0, result.output

                assert snapshot() == before
                assert "alembic_version" in inspect(db.engine).get_table_names()
                db.session.remove()
                for table in (NominationEvent.__tablename__, ReportEvent.__tablename__):
                    with pytest.raises(DatabaseError, match="chỉ được ghi thêm"):
                        with db.engine.begin() as connection:
                            connection.execute(text(f"DELETE FROM {table}"))
                assert snapshot() == before
            finally:
                db.session.remove()
                db.engine.dispose()


def test_backup_files_are_never_left_half_written(app, world, runner, backups, monkeypatch):
    """A backup that fails leaves no file under the name asked for (it is written aside, then renamed)."""
    from workflow import backup

    def broken(*args, **kwargs):
        raise backup.BackupError("hỏng giữa chừng")

    monkeypatch.setattr(backup, "_sqlite_backup" if app.config["BACKEND"] == "sqlite" else "_run", broken)
    path = backups.parent / "antq.backup"
    result = invoke(runner, "backup", path)
    assert result.exit_code != 0
    assert "hỏng giữa chừng" in result.output
    assert list(backups.parent.iterdir()) == []
