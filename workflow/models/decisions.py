from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from workflow.extensions import db
from workflow.models.awards import AwardForm, Campaign
from workflow.models.base import Timestamp, utcnow
from workflow.models.nominations import Nomination
from workflow.models.units import Unit
from workflow.models.users import User


class Decision(db.Model):
    """An award decision (quyết định khen thưởng): drafted by the secretariat of the unit that owns the award form,
    then issued once, with a number of its issuing body and year, and immutable documents. Revocable with a reason.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'issued', 'revoked')", name="state_known"),
        CheckConstraint("state = 'draft' OR (number IS NOT NULL AND issued_on IS NOT NULL)", name="issued_numbered"),
        CheckConstraint("signing_form IN ('', 'KT', 'TM', 'Q')", name="signing_form_known"),
        UniqueConstraint("issuing_unit_id", "symbol", "year", "number", name="uq_decisions_number"),
        Index("ix_decisions_register", "issuing_unit_id", "state", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    award_form_id: Mapped[int] = mapped_column(ForeignKey("award_forms.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)

    # Number and symbol: "15/QĐ-UBND". The number runs per issuing unit, symbol and year, gapless.
    symbol: Mapped[str] = mapped_column(String(40))
    year: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(120), default="")

    # The header and body of the document (Nghị định 30/2020/NĐ-CP layout).
    parent_body: Mapped[str] = mapped_column(String(255), default="")
    issuing_body: Mapped[str] = mapped_column(String(255), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    authority: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")  # one "Căn cứ ..." clause per line
    proposal: Mapped[str] = mapped_column(Text, default="")  # "Theo đề nghị của ... tại Tờ trình số ..."
    bonus: Mapped[str] = mapped_column(Text, default="")  # Điều 2: the bonus and its funding source, if any
    implementers: Mapped[str] = mapped_column(Text, default="")  # Điều 3: who implements the decision
    recipients: Mapped[str] = mapped_column(Text, default="")  # one "Nơi nhận" line per line
    signing_form: Mapped[str] = mapped_column(String(4), default="KT")  # KT. (deputy), TM. (on behalf), Q.
    signing_authority: Mapped[str] = mapped_column(String(255), default="")  # "CHỦ TỊCH" / "ỦY BAN NHÂN DÂN"
    signer_title: Mapped[str] = mapped_column(String(255), default="")  # "PHÓ CHỦ TỊCH"
    signer_name: Mapped[str] = mapped_column(String(255), default="")

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    issuing_unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    award_form: Mapped[AwardForm] = relationship(lazy="joined", innerjoin=True)
    campaign: Mapped[Campaign | None] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    items: Mapped[list["DecisionItem"]] = relationship(
        back_populates="decision", order_by="DecisionItem.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list["IssuedDocument"]] = relationship(back_populates="decision", order_by="IssuedDocument.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def reference(self) -> str:
        """'15/QĐ-UBND' (numbers below 10 with a leading zero, as Nghị định 30/2020 writes them)."""
        return f"{self.number:02d}/{self.symbol}" if self.number else f"…/{self.symbol}"


class DecisionItem(db.Model):
    """A nomination awarded by a decision, in the order of the annex."""

    __tablename__ = "decision_items"
    __table_args__ = (UniqueConstraint("decision_id", "nomination_id", name="uq_decision_items_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    decision: Mapped[Decision] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship(lazy="joined", innerjoin=True)


class DecisionCounter(db.Model):
    """The last number an issuing body used in a year. Locked while a decision is issued, so numbers never repeat
    and never skip (a failed issue rolls its increment back with everything else)."""

    __tablename__ = "decision_counters"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class DocumentTemplate(db.Model):
    """A Word template a unit uploaded to replace the default one of a kind. Every upload is a new version."""

    __tablename__ = "document_templates"
    __table_args__ = (
        CheckConstraint("kind IN ('decision', 'certificate', 'proposal', 'report')", name="kind_known"),
        UniqueConstraint("unit_id", "kind", "version", name="uq_document_templates_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    unit: Mapped[Unit] = relationship()
    uploaded_by: Mapped[User] = relationship()


class IssuedDocument(db.Model):
    """The bytes of a document as issued: served from here forever, never rendered again."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("decision_id", "kind", name="uq_issued_documents_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # decision, certificates, decision_pdf, certificates_pdf
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    template_label: Mapped[str] = mapped_column(String(120))  # "mặc định sha256:ab12…" or "đơn vị v3"
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="documents")
