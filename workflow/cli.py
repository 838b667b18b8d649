"""`flask` commands, run from the repository root with no --app flag."""

import click
from flask import Flask

from workflow import demo
from workflow.bench import bench_command
from workflow.errors import DomainError
from workflow.extensions import db
from workflow.services import admin
from workflow.states import Role


def register_commands(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    app.cli.add_command(bench_command)


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
