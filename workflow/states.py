"""Nomination and report states, actions, unit levels and roles, each with its Vietnamese label.

Templates read labels and badge classes from here and never spell a state name themselves.
"""

from enum import StrEnum


class Level(StrEnum):
    province = "province"
    district = "district"
    commune = "commune"
    agency = "agency"

    @property
    def title(self) -> str:
        return {
            "province": "Cấp tỉnh",
            "district": "Cấp huyện",
            "commune": "Cấp xã",
            "agency": "Cơ quan, doanh nghiệp, nhà trường",
        }[self._value_]


# Levels whose reviewers form a step of the approval chain, bottom-up.
REVIEW_LEVELS = (Level.commune, Level.district, Level.province)

# Which levels may sit directly under which parent (None: a root of the tree).
ALLOWED_PARENTS = {
    Level.province: {None},
    Level.district: {Level.province},
    Level.commune: {Level.district, Level.province},
    Level.agency: {Level.commune, Level.district, Level.province},
}


class Role(StrEnum):
    clerk = "clerk"
    reviewer = "reviewer"
    secretariat = "secretariat"
    admin = "admin"

    @property
    def title(self) -> str:
        return {
            "clerk": "Cán bộ đơn vị",
            "reviewer": "Lãnh đạo duyệt, xét",
            "secretariat": "Thường trực HĐTĐKT",
            "admin": "Quản trị hệ thống",
        }[self._value_]


class NomineeKind(StrEnum):
    collective = "collective"
    individual = "individual"

    @property
    def title(self) -> str:
        return {"collective": "Tập thể", "individual": "Cá nhân"}[self._value_]


class State(StrEnum):
    draft = "draft"
    submitted = "submitted"
    commune_approved = "commune_approved"
    district_approved = "district_approved"
    province_approved = "province_approved"
    awarded = "awarded"
    returned = "returned"
    rejected = "rejected"
    withdrawn = "withdrawn"
    revoked = "revoked"

    @classmethod
    def approved(cls, level: str) -> "State":
        return cls(f"{level}_approved")

    @property
    def title(self) -> str:
        return _STATE_TITLES[self._value_][0]

    @property
    def badge(self) -> str:
        return _STATE_TITLES[self._value_][1]

    @property
    def is_editable(self) -> bool:
        return self in (State.draft, State.returned)


_STATE_TITLES = {
    "draft": ("Dự thảo", "text-bg-secondary"),
    "submitted": ("Đã gửi, chờ duyệt", "text-bg-info"),
    "commune_approved": ("Cấp xã đã duyệt", "text-bg-primary"),
    "district_approved": ("Cấp huyện đã duyệt", "text-bg-primary"),
    "province_approved": ("Cấp tỉnh đã duyệt", "text-bg-primary"),
    "awarded": ("Đã khen thưởng", "text-bg-success"),
    "returned": ("Bị trả lại", "text-bg-warning"),
    "rejected": ("Không đề nghị", "text-bg-danger"),
    "withdrawn": ("Đã rút", "text-bg-dark"),
    "revoked": ("Đã thu hồi khen thưởng", "text-bg-dark"),
}


class Action(StrEnum):
    create = "create"
    edit = "edit"
    submit = "submit"
    approve = "approve"
    return_ = "return"
    reject = "reject"
    withdraw = "withdraw"
    award = "award"
    revoke = "revoke"
    attach = "attach"
    detach = "detach"

    @property
    def title(self) -> str:
        return {
            "create": "Tạo hồ sơ",
            "edit": "Sửa hồ sơ",
            "submit": "Gửi duyệt",
            "approve": "Duyệt",
            "return": "Trả lại",
            "reject": "Không đề nghị",
            "withdraw": "Rút hồ sơ",
            "award": "Khen thưởng",
            "revoke": "Thu hồi khen thưởng",
            "attach": "Đính kèm tệp",
            "detach": "Xóa tệp đính kèm",
        }[self._value_]

    @property
    def needs_reason(self) -> bool:
        return self in (Action.return_, Action.reject)


# Actions a person can take through the pages and the API (award comes from issuing a decision).
USER_ACTIONS = (Action.submit, Action.approve, Action.return_, Action.reject, Action.withdraw)
REVIEW_ACTIONS = (Action.approve, Action.return_, Action.reject)
# Actions that write a nomination's or a report's content (a resubmission is a submit): whoever took one on an item,
# at any time in its life, never reviews it (permissions.authored).
AUTHORING_ACTIONS = (Action.create, Action.edit, Action.submit, Action.attach, Action.detach)


class ReportState(StrEnum):
    """A review-period report climbs the same chain as a nomination; the collecting unit's approval accepts it."""

    draft = "draft"
    submitted = "submitted"
    commune_approved = "commune_approved"
    district_approved = "district_approved"
    province_approved = "province_approved"
    accepted = "accepted"
    returned = "returned"

    @classmethod
    def approved(cls, level: str) -> "ReportState":
        return cls(f"{level}_approved")

    @property
    def title(self) -> str:
        return _REPORT_STATE_TITLES[self._value_][0]

    @property
    def badge(self) -> str:
        return _REPORT_STATE_TITLES[self._value_][1]

    @property
    def is_editable(self) -> bool:
        return self in (ReportState.draft, ReportState.returned)

    @property
    def in_chain(self) -> bool:
        """Submitted and not yet settled either way: counted in the provisional total."""
        return not self.is_editable and self != ReportState.accepted


_REPORT_STATE_TITLES = {
    "draft": ("Đang soạn", "text-bg-secondary"),
    "submitted": ("Đã gửi, chờ duyệt", "text-bg-info"),
    "commune_approved": ("Cấp xã đã duyệt", "text-bg-primary"),
    "district_approved": ("Cấp huyện đã duyệt", "text-bg-primary"),
    "province_approved": ("Cấp tỉnh đã duyệt", "text-bg-primary"),
    "accepted": ("Đã tiếp nhận", "text-bg-success"),
    "returned": ("Bị trả lại", "text-bg-warning"),
}

# What a person can do to a report: there is no rejecting or withdrawing a report, only returning it for changes.
REPORT_ACTIONS = (Action.submit, Action.approve, Action.return_)


class PeriodKind(StrEnum):
    half_year = "half_year"
    year = "year"
    phase = "phase"
    themed = "themed"

    @property
    def title(self) -> str:
        return {
            "half_year": "Sơ kết 6 tháng",
            "year": "Tổng kết năm",
            "phase": "Tổng kết giai đoạn",
            "themed": "Sơ kết, tổng kết chuyên đề",
        }[self._value_]


class IndicatorKind(StrEnum):
    """How an indicator consolidates: a sum, or a ratio of two sums (met over total), never an average of ratios."""

    sum = "sum"
    ratio = "ratio"

    @property
    def title(self) -> str:
        return {"sum": "Cộng dồn", "ratio": "Tỷ lệ (đạt/tổng số)"}[self._value_]


class AccountAction(StrEnum):
    """What an administrator (or the command line) did to an account: one row of its append-only record."""

    created = "created"
    role_added = "role_added"
    role_removed = "role_removed"
    deactivated = "deactivated"
    reactivated = "reactivated"
    password_reset = "password_reset"
    unlocked = "unlocked"

    @property
    def title(self) -> str:
        return {
            "created": "Tạo tài khoản",
            "role_added": "Giao vai trò",
            "role_removed": "Bỏ vai trò",
            "deactivated": "Khóa tài khoản",
            "reactivated": "Mở lại tài khoản",
            "password_reset": "Đặt lại mật khẩu",
            "unlocked": "Mở khóa đăng nhập",
        }[self._value_]


# The actions that name a role (and its unit); the others concern the account as a whole.
ROLE_ACTIONS = (AccountAction.role_added, AccountAction.role_removed)
