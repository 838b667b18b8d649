from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.extensions import db
from workflow.models.units import Unit
from workflow.states import NomineeKind

campaign_award_forms = Table(
    "campaign_award_forms",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("award_form_id", ForeignKey("award_forms.id", ondelete="CASCADE"), primary_key=True),
)


class AwardForm(db.Model):
    """A form of commendation (hình thức khen thưởng), issued by the unit that owns it."""

    __tablename__ = "award_forms"
    __table_args__ = (CheckConstraint("accepts_collective OR accepts_individual", name="accepts_some_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    accepts_collective: Mapped[bool] = mapped_column(Boolean, default=True)
    accepts_individual: Mapped[bool] = mapped_column(Boolean, default=True)
    criteria: Mapped[str] = mapped_column(Text, default="")
    # Defaults for the decisions that award this form (the issuing authority's header, numbering and signature).
    decision_symbol: Mapped[str] = mapped_column(String(40), default="QĐ-UBND", server_default="QĐ-UBND")
    parent_body: Mapped[str] = mapped_column(String(255), default="", server_default="")
    issuing_body: Mapped[str] = mapped_column(String(255), default="", server_default="")
    authority: Mapped[str] = mapped_column(String(255), default="", server_default="")
    signing_authority: Mapped[str] = mapped_column(String(255), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(String(255), default="", server_default="")
    place: Mapped[str] = mapped_column(String(120), default="", server_default="")

    owner_unit: Mapped[Unit] = relationship(lazy="joined")

    @property
    def nominee_kinds(self) -> list[str]:
        kinds = []
        if self.accepts_collective:
            kinds.append(NomineeKind.collective.value)
        if self.accepts_individual:
            kinds.append(NomineeKind.individual.value)
        return kinds

    def accepts(self, kind: str) -> bool:
        return kind in self.nominee_kinds


class Campaign(db.Model):
    """An emulation campaign (đợt thi đua) run by a unit, with the award forms it may lead to."""

    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    nomination_deadline: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")

    owner_unit: Mapped[Unit] = relationship(lazy="joined")
    # Loaded on demand: lists of nominations join their campaign and must not drag these along.
    award_forms: Mapped[list[AwardForm]] = relationship(secondary=campaign_award_forms, order_by=AwardForm.id)

    def is_open_on(self, day: date) -> bool:
        return self.nomination_deadline is None or day <= self.nomination_deadline
