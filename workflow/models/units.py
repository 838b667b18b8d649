from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.extensions import db
from workflow.states import Level


class Unit(db.Model):
    """A node of the administrative tree: province, district, commune, or an agency under one of them.

    `path` is the materialised path of ids ("/1/7/42/"): a subtree is one indexed prefix match.
    """

    __tablename__ = "units"
    __table_args__ = (CheckConstraint("level IN ('province', 'district', 'commune', 'agency')", name="level_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="")

    # Loaded when asked for: joining every unit's parent into every query that loads a unit (a role's, a
    # nomination's) cost a join per unit on every page. The admin list, which shows it, joins it (admin.units).
    parent: Mapped["Unit | None"] = relationship(remote_side=[id])

    @property
    def level_enum(self) -> Level:
        return Level(self.level)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, inclusive."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def contains(self, other: "Unit") -> bool:
        """True if `other` is this unit or lies below it."""
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
