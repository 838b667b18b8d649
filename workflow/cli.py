"""`flask` commands, run from the repository root with no --app flag."""

from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app

from workflow import backup, clock, demo
from workflow.errors import DomainError
from workflow.extensions import db
from workflow.services import admin
from workflow.states import Role


def register_commands(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.group(help="Quản lý tài khoản.")
def users():
    pass


@users.command("create", help="Tạo tài khoản: flask users create TÊN --password MK --role VAI_TRÒ [--unit MÃ]")
@click.argument("username")
@click.option("--password", required=True, help="Mật khẩu (ít nhất 8 ký tự, có cả chữ và số).")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="Vai trò.")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị (bỏ trống với admin toàn hệ thống).")
@click.option("--full-name", default="", help="Họ và tên.")
def create_user(username, password, role, unit_code, full_name):
    try:
        unit_id = admin.unit_by_code(unit_code).id if unit_code else None
        user = admin.create_user(
            admin.system_actor(),
            {
                "username": username,
                "full_name": full_name,
                "password": password,
                "roles": [{"role": role, "unit_id": unit_id}],
            },
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(f"Đã tạo tài khoản “{user.username}” ({Role(role).title}).")


@click.command("demo", help="Nạp dữ liệu mẫu vào cơ sở dữ liệu trống.")
@click.option("--if-empty", is_flag=True, help="Không làm gì nếu đã có dữ liệu (dùng cho make run).")
def demo_command(if_empty):
    if not demo.is_empty():
        if if_empty:
            click.echo("Cơ sở dữ liệu đã có dữ liệu: bỏ qua dữ liệu mẫu.")
            return
        raise click.ClickException("Cơ sở dữ liệu đã có dữ liệu: chỉ nạp dữ liệu mẫu vào cơ sở dữ liệu trống.")
    demo.load()
    db.session.commit()
    click.echo(f"Đã nạp dữ liệu mẫu. Mật khẩu của mọi tài khoản mẫu: {demo.DEMO_PASSWORD}")


@click.command(
    "backup",
    help="Sao lưu toàn bộ cơ sở dữ liệu, kể cả tệp đính kèm và văn bản đã ban hành: flask backup [TỆP]. "
    "SQLite: bản chụp nhất quán ngay cả khi ứng dụng đang chạy; PostgreSQL: pg_dump. "
    "Mặc định: instance/backups/antq-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY.sqlite3 (hoặc .dump).",
)
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path):
    url = _database_url()
    try:
        written = backup.backup(url, path or _default_backup_path(url))
    except backup.BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Đã sao lưu vào “{written}” ({written.stat().st_size / 1024:,.0f} KB).")


@click.command(
    "restore",
    help="Khôi phục cơ sở dữ liệu từ một bản sao lưu của flask backup: thay toàn bộ dữ liệu hiện tại. "
    "Dữ liệu hiện tại được sao lưu trước vào instance/backups/.",
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Xác nhận thay toàn bộ dữ liệu hiện tại bằng bản sao lưu.")
def restore_command(path, yes):
    if not yes:
        raise click.ClickException(
            "Khôi phục sẽ thay toàn bộ dữ liệu hiện tại bằng dữ liệu của bản sao lưu. Chạy lại với --yes để xác nhận."
        )
    url = _database_url()
    try:
        backup.check_restorable(url, path)
        before = backup.backup(url, _default_backup_path(url, label="-truoc-khoi-phuc"))
        db.session.rollback()
        db.engine.dispose()  # no connection of ours may hold a lock the restore waits for
        backup.restore(url, path)
    except backup.BackupError as error:
        raise click.ClickException(error.message) from None
    finally:
        db.engine.dispose()  # connections opened from now on see the restored database
    click.echo(f"Đã khôi phục từ “{path}”. Dữ liệu trước khi khôi phục được sao lưu vào “{before}”.")


def _database_url() -> str:
    # The engine's URL: Flask-SQLAlchemy has already made a relative SQLite path absolute.
    return db.engine.url.render_as_string(hide_password=False)


def _default_backup_path(url: str, label: str = "") -> Path:
    folder = current_app.config.get("BACKUP_DIR") or Path(current_app.instance_path) / "backups"
    return backup.default_path(folder, url, datetime.now(clock.zone()), label)
