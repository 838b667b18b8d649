from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from workflow.extensions import db
from workflow.models import name_search
from workflow.models.awards import AwardForm, Campaign
from workflow.models.base import HistoryEntry, Timestamp, append_only, utcnow
from workflow.models.units import Unit
from workflow.models.users import User
from workflow.states import NomineeKind, State

STATE_VALUES = ", ".join(f"'{state.value}'" for state in State)


class Nomination(db.Model):
    """A nomination (đề nghị khen thưởng) of a collective or an individual, climbing the review chain.

    `state` changes only through workflow.machine.fire(). `version` is SQLAlchemy's optimistic lock: a write
    based on a stale read fails instead of overwriting someone else's action.
    """

    __tablename__ = "nominations"
    __table_args__ = (
        CheckConstraint(f"state IN ({STATE_VALUES})", name="state_known"),
        CheckConstraint("nominee_kind IN ('collective', 'individual')", name="nominee_kind_known"),
        CheckConstraint(
            "state IN ('draft', 'returned', 'rejected', 'withdrawn', 'awarded', 'revoked')"
            " OR awaiting_unit_id IS NOT NULL",
            name="in_review_has_awaiting_unit",
        ),
        # The lists show the newest first: each index has id right after its equality columns, so a filter on them
        # reads the rows in order and a page deep in the list skips index entries, not rows. A subtree is a list
        # of units: each unit's entries come newest first, and the columns after id are read from the index too
        # (the kind; the folded name, for a search too short for the trigram index).
        Index("ix_nominations_newest_by_state", "state", "id"),
        Index("ix_nominations_newest_by_kind", "nominee_kind", "id"),
        Index("ix_nominations_newest_by_state_kind", "state", "nominee_kind", "id"),
        Index("ix_nominations_newest_by_unit", "unit_id", "id", "nominee_kind", "nominee_search"),
        Index("ix_nominations_newest_by_state_unit", "state", "unit_id", "id", "nominee_kind"),
        Index("ix_nominations_newest_by_campaign", "campaign_id", "id"),
        Index("ix_nominations_newest_by_award_form", "award_form_id", "id"),
        # The inbox: what awaits a role at a unit, most recently changed first, counted without reading the rows
        # (what the reviewer wrote is left out by id: permissions.authored_filter).
        Index("ix_nominations_awaiting", "awaiting_role", "awaiting_unit_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    award_form_id: Mapped[int] = mapped_column(ForeignKey("award_forms.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    nominee_kind: Mapped[str] = mapped_column(String(20))
    nominee_name: Mapped[str] = mapped_column(String(500))
    # The folded name (workflow.text.fold), searched through the index of workflow.models.name_search.
    nominee_search: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[str] = mapped_column(String(500), default="")
    achievements: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(30), default=State.draft.value)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    # The review chain, fixed at submission: [{"unit_id", "level"}] bottom-up, ending at the award form's owner.
    review_chain: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # Who must act next: a role at a unit (clerk for drafts and returns, reviewer, or the secretariat).
    awaiting_role: Mapped[str | None] = mapped_column(String(20))
    awaiting_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship(lazy="joined", innerjoin=True)
    award_form: Mapped[AwardForm] = relationship(lazy="joined", innerjoin=True)
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined", innerjoin=True)
    awaiting_unit: Mapped[Unit | None] = relationship(foreign_keys=[awaiting_unit_id], lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="nomination", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["NominationEvent"]] = relationship(back_populates="nomination", order_by="NominationEvent.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def state_enum(self) -> State:
        return State(self.state)

    @property
    def kind_enum(self) -> NomineeKind:
        return NomineeKind(self.nominee_kind)


name_search.attach(Nomination.__table__)


class Attachment(db.Model):
    """A file attached to a nomination (evidence) or to a review-period report. Bytes live in the database, so
    every app server can serve them."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(nomination_id IS NULL) <> (report_id IS NULL)", name="attached_to_one_owner"),
        # What a user uploaded, read without the files' bytes (permissions.authored_filter).
        Index("ix_attachments_uploaded_by", "uploaded_by_id", "nomination_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    nomination: Mapped[Nomination | None] = relationship(back_populates="attachments")
    report: Mapped["Report | None"] = relationship(back_populates="attachments")  # noqa: F821
    uploaded_by: Mapped[User] = relationship()


class NominationEvent(HistoryEntry, db.Model):
    """One row of a nomination's history."""

    __tablename__ = "nomination_events"
    # What a user wrote, found from their own rows alone (permissions.authored_filter).
    __table_args__ = (Index("ix_nomination_events_author", "action", "actor_id", "nomination_id"),)

    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    nomination: Mapped[Nomination] = relationship(back_populates="events")


append_only(NominationEvent, "Lịch sử xử lý hồ sơ chỉ được ghi thêm, không được sửa hoặc xóa.")
