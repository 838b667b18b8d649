from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.extensions import db
from workflow.models.base import HistoryEntry, Timestamp, append_only, utcnow
from workflow.models.units import Unit
from workflow.models.users import User
from workflow.states import IndicatorKind, PeriodKind, ReportState

REPORT_STATES = ", ".join(f"'{state.value}'" for state in ReportState)
PERIOD_KINDS = ", ".join(f"'{kind.value}'" for kind in PeriodKind)


class Indicator(db.Model):
    """One figure of the movement's catalogue (chỉ tiêu). A ratio holds two numbers per report, `value` (met) and
    `total`, and consolidates as the sum of one over the sum of the other."""

    __tablename__ = "indicators"
    __table_args__ = (CheckConstraint("kind IN ('sum', 'ratio')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    group: Mapped[str] = mapped_column(String(255))
    measure: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(10), default=IndicatorKind.sum.value)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def kind_enum(self) -> IndicatorKind:
        return IndicatorKind(self.kind)

    @property
    def is_ratio(self) -> bool:
        return self.kind == IndicatorKind.ratio


class ReviewPeriod(db.Model):
    """A review period (kỳ sơ kết, tổng kết) collected by `owner_unit` from the units of its subtree whose level is
    in `reporting_levels`. A district's period may sit under its province's (`parent`): the district's own report
    in the province's period then starts from what it consolidated in its own."""

    __tablename__ = "review_periods"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
        CheckConstraint(f"kind IN ({PERIOD_KINDS})", name="kind_known"),
        Index("ix_review_periods_owner_kind", "owner_unit_id", "kind", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("review_periods.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    reporting_levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the command line
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    owner_unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    parent: Mapped["ReviewPeriod | None"] = relationship(remote_side=[id])

    @property
    def kind_enum(self) -> PeriodKind:
        return PeriodKind(self.kind)

    def expects(self, unit: Unit) -> bool:
        """Is `unit` one of the units expected to report in this period?"""
        return unit.id != self.owner_unit_id and self.owner_unit.contains(unit) and unit.level in self.reporting_levels


class Report(db.Model):
    """A unit's report for a review period: figures, narrative, attachments, climbing the review chain.

    `state` changes only through workflow.machine.fire(). `cleared_unit_id` is the highest unit that has approved it
    so far: that unit and every unit below it count the report as accepted when they consolidate.
    """

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("period_id", "unit_id", name="one_report_per_unit_and_period"),
        CheckConstraint(f"state IN ({REPORT_STATES})", name="state_known"),
        CheckConstraint(
            "state IN ('draft', 'returned', 'accepted') OR awaiting_unit_id IS NOT NULL",
            name="in_review_has_awaiting_unit",
        ),
        CheckConstraint("state <> 'accepted' OR cleared_unit_id IS NOT NULL", name="accepted_is_cleared"),
        Index("ix_reports_awaiting", "awaiting_role", "awaiting_unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("review_periods.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    state: Mapped[str] = mapped_column(String(30), default=ReportState.draft.value)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    review_chain: Mapped[list[dict]] = mapped_column(JSON, default=list)
    awaiting_role: Mapped[str | None] = mapped_column(String(20))
    awaiting_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    cleared_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    results: Mapped[str] = mapped_column(Text, default="")
    shortcomings: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The first submission: what "late" is measured by; resubmitting after a return does not make a report late.
    first_submitted_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    period: Mapped[ReviewPeriod] = relationship(lazy="joined", innerjoin=True)
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined", innerjoin=True)
    awaiting_unit: Mapped[Unit | None] = relationship(foreign_keys=[awaiting_unit_id], lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    values: Mapped[list["ReportValue"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportValue.indicator_id"
    )
    attachments: Mapped[list["Attachment"]] = relationship(  # noqa: F821
        back_populates="report", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["ReportEvent"]] = relationship(back_populates="report", order_by="ReportEvent.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def state_enum(self) -> ReportState:
        return ReportState(self.state)


class ReportValue(db.Model):
    """One figure of a report. For a ratio indicator `value` is the number that met the standard, `total` the
    number there are."""

    __tablename__ = "report_values"
    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("total IS NULL OR total >= value", name="met_within_total"),
    )

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True, index=True)
    value: Mapped[int] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)

    report: Mapped[Report] = relationship(back_populates="values")
    indicator: Mapped[Indicator] = relationship(lazy="joined", innerjoin=True)


class ReportEvent(HistoryEntry, db.Model):
    """One row of a report's history."""

    __tablename__ = "report_events"
    # What a user wrote, found from their own rows alone (permissions.authored_filter).
    __table_args__ = (Index("ix_report_events_author", "action", "actor_id", "report_id"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    report: Mapped[Report] = relationship(back_populates="events")


append_only(ReportEvent, "Lịch sử xử lý báo cáo chỉ được ghi thêm, không được sửa hoặc xóa.")
