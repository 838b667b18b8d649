import unicodedata
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from workflow.extensions import db
from workflow.models.base import Timestamp, append_only, as_utc, utcnow
from workflow.models.units import Unit
from workflow.states import ROLE_ACTIONS, AccountAction


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)  # and whatever its case: the index below
    full_name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # Consecutive wrong passwords, and the lock-out they led to (services.auth).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp)

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The key of the browser session this object was loaded for or signed in with (services.auth), not a column:
    # Flask-Login keeps get_id() in the session cookie, and the key names the server-side session record.
    session_key = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_key

    @property
    def lock_ends(self) -> datetime | None:
        """When the lock-out after wrong passwords ends, while it lasts; None if the account is not locked out."""
        until = as_utc(self.locked_until)
        return until if until is not None and until > utcnow() else None

    # Passwords are hashed in NFC: "Mậtkhẩu2026" typed on a keyboard that sends NFD is the same password.
    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(unicodedata.normalize("NFC", password))

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, unicodedata.normalize("NFC", password))

    def __repr__(self) -> str:
        return f"<User {self.username}>"


# "Admin" and "admin" are one name: signing in ignores case, so the database refuses a second spelling too.
Index("uq_users_lower_username", func.lower(User.username), unique=True)


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class RoleAssignment(db.Model):
    """A role held at a unit, covering its whole subtree. An admin without a unit covers every tree."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "unit_id", name="uq_role_assignments_user_role_unit"),
        CheckConstraint("role IN ('clerk', 'reviewer', 'secretariat', 'admin')", name="role_known"),
        CheckConstraint("unit_id IS NOT NULL OR role = 'admin'", name="only_admin_without_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")
    unit: Mapped[Unit | None] = relationship(lazy="joined")


class ApiToken(db.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Timestamp)

    user: Mapped[User] = relationship(lazy="joined")


class UserSession(db.Model):
    """A signed-in browser. Its cookie holds a random key; only the key's SHA-256 is stored, as for API tokens.
    Signing out ends it; a new password, deactivation or "sign out everywhere" end all of the user's."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)


class AccountEvent(db.Model):
    """One change made to an account by an administrator, or by the command line (no actor): who, whom, what (the
    role and its unit, for a role given or taken away), when. Rows are only ever added (append_only, and triggers
    on a migrated database)."""

    __tablename__ = "account_events"
    __table_args__ = (
        CheckConstraint(_one_of("action", AccountAction), name="action_known"),
        CheckConstraint(f"(role IS NOT NULL) = ({_one_of('action', ROLE_ACTIONS)})", name="role_with_role_actions"),
        CheckConstraint("unit_id IS NULL OR role IS NOT NULL", name="unit_only_with_a_role"),
        Index("ix_account_events_user_newest", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    role: Mapped[str | None] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    unit: Mapped[Unit | None] = relationship()

    @property
    def action_enum(self) -> AccountAction:
        return AccountAction(self.action)


append_only(AccountEvent, "Nhật ký tài khoản chỉ được ghi thêm, không được sửa hoặc xóa.")
