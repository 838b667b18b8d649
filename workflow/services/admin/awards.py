"""Award forms (with their decisions' header defaults) and campaigns, managed by secretariats and admins."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from workflow import permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.models import AwardForm, Campaign, Unit, User
from workflow.services import flush
from workflow.services.admin.common import date_field, deny, load, raise_if_errors, required_text
from workflow.states import REVIEW_LEVELS, NomineeKind, Role
from workflow.text import clean

DEFAULT_SYMBOL = "QĐ-UBND"
# Where a form offers the units that may own awards and periods (the owning pool), one outside it is refused so.
OWNER_OUTSIDE_SCOPE = "{role} phải là đơn vị cấp tỉnh, huyện hoặc xã mà bạn là Thường trực HĐTĐKT hoặc quản trị."
NEWEST_CAMPAIGN_FIRST = (Campaign.starts_on.desc(), Campaign.id.desc())


def visible_award_forms(actor: User, line_of: Unit | None = None, limit: int | None = None) -> list[AwardForm]:
    """Award forms a nomination in the actor's scope could lead to: owned in or above their subtrees. With `line_of`,
    only those owned at, above or below that unit: what a campaign it runs may award. The first `limit` of them."""
    query = _on_line(actor, select(AwardForm), AwardForm)
    if line_of is not None:
        on_its_line = or_(Unit.id.in_(line_of.ancestor_ids), Unit.path.startswith(line_of.path))
        query = query.where(AwardForm.owner_unit_id.in_(select(Unit.id).where(on_its_line)))
    return list(db.session.scalars(query.order_by(AwardForm.id).limit(limit)))


def save_award_form(actor: User, data: Mapping[str, Any], form: AwardForm | None = None) -> AwardForm:
    """Create or change an award form owned by a unit the actor's secretariat or admin role covers. The decision
    header fields (ISSUER_FIELDS) are optional: one left out keeps its value."""
    errors: dict[str, str] = {}
    name = required_text(data, "name", "tên hình thức khen thưởng", errors)
    owner = load(Unit, data.get("owner_unit_id"), "đơn vị tặng")
    kinds = set(data.get("nominee_kinds") or [])
    if not kinds or not kinds <= {k.value for k in NomineeKind}:
        errors["nominee_kinds"] = "Chọn ít nhất một đối tượng: tập thể, cá nhân."
    if owner.level not in REVIEW_LEVELS:
        errors["owner_unit_id"] = "Đơn vị tặng phải là cấp tỉnh, huyện hoặc xã."
    issuer = _issuer_values(data, errors)
    for unit in {owner, form.owner_unit} if form is not None else {owner}:
        if not permissions.can_manage_awards(actor, unit):
            deny("Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị tặng mới được quản lý hình thức này.")
    raise_if_errors(errors)
    form = form or AwardForm()
    form.name, form.owner_unit = name, owner
    form.accepts_collective = NomineeKind.collective in kinds
    form.accepts_individual = NomineeKind.individual in kinds
    form.criteria = clean(data.get("criteria"))
    for key, value in issuer.items():
        setattr(form, key, value)
    db.session.add(form)
    flush()
    return form


# The header, numbering and signature of the decisions that award a form: optional, each kept when not given.
ISSUER_FIELDS = {  # key → (label, length limit)
    "decision_symbol": ("ký hiệu quyết định", 40),
    "parent_body": ("cơ quan chủ quản", 255),
    "issuing_body": ("cơ quan ban hành", 255),
    "authority": ("thẩm quyền ban hành", 255),
    "signing_authority": ("quyền hạn ký", 255),
    "signer_title": ("chức vụ người ký", 255),
    "place": ("địa danh", 120),
}


def _issuer_values(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, str]:
    values = {key: clean(data[key]) for key in ISSUER_FIELDS if data.get(key) is not None}
    for key, value in values.items():
        label, limit = ISSUER_FIELDS[key]
        if len(value) > limit:
            errors[key] = f"{label.capitalize()} tối đa {limit} ký tự."
    symbol = values.get("decision_symbol")
    if symbol == "":
        values["decision_symbol"] = DEFAULT_SYMBOL
    elif symbol and ("/" in symbol or any(ch.isspace() for ch in symbol)):
        errors["decision_symbol"] = "Ký hiệu không chứa dấu “/” hay khoảng trắng, ví dụ QĐ-UBND, QĐ-CAT."
    return values


def visible_campaigns(actor: User) -> list[Campaign]:
    """Campaigns that apply to the actor's units (run in or above their subtrees), newest first."""
    query = _on_line(actor, select(Campaign), Campaign).options(selectinload(Campaign.award_forms))
    return list(db.session.scalars(query.order_by(*NEWEST_CAMPAIGN_FIRST)))


def _on_line(actor: User, query: Select, model) -> Select:
    """`query` of award forms or campaigns narrowed to those owned on the line of the actor's units."""
    owner = aliased(Unit)
    return (
        query.join(owner, model.owner_unit_id == owner.id)
        .options(contains_eager(model.owner_unit.of_type(owner)))
        .where(permissions.line_filter(actor, owner.id, owner.path))
    )


def save_campaign(actor: User, data: Mapping[str, Any], campaign: Campaign | None = None) -> Campaign:
    """Create or change a campaign of a unit the actor's secretariat or admin role covers."""
    errors: dict[str, str] = {}
    title = required_text(data, "title", "tên đợt thi đua", errors)
    owner = load(Unit, data.get("owner_unit_id"), "đơn vị phát động")
    starts, ends = date_field(data, "starts_on", errors), date_field(data, "ends_on", errors)
    deadline = date_field(data, "nomination_deadline", errors, required=False)
    if starts and ends and starts > ends:
        errors["ends_on"] = "Ngày kết thúc phải sau ngày bắt đầu."
    forms = [load(AwardForm, i, "hình thức khen thưởng") for i in data.get("award_form_ids") or []]
    if not forms:
        errors["award_form_ids"] = "Chọn ít nhất một hình thức khen thưởng."
    for form in forms:
        if not (form.owner_unit.contains(owner) or owner.contains(form.owner_unit)):
            errors["award_form_ids"] = f"“{form.name}” không thuộc cùng tuyến với {owner.name}."
    for unit in {owner, campaign.owner_unit} if campaign is not None else {owner}:
        if not permissions.can_manage_awards(actor, unit):
            deny("Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị mới được quản lý đợt thi đua.")
    raise_if_errors(errors)
    campaign = campaign or Campaign()
    campaign.title, campaign.owner_unit, campaign.award_forms = title, owner, forms
    campaign.starts_on, campaign.ends_on, campaign.nomination_deadline = starts, ends, deadline
    campaign.description = clean(data.get("description"))
    db.session.add(campaign)
    flush()
    return campaign


def get_award_form(actor: User, form_id) -> AwardForm:
    form = load(AwardForm, form_id, "hình thức khen thưởng")
    if not permissions.on_line(actor, form.owner_unit):
        raise NotFound("Không tìm thấy hình thức khen thưởng.")
    return form


def get_campaign(actor: User, campaign_id) -> Campaign:
    campaign = load(Campaign, campaign_id, "đợt thi đua")
    if not permissions.on_line(actor, campaign.owner_unit):
        raise NotFound("Không tìm thấy đợt thi đua.")
    return campaign


def manages_awards_somewhere(actor: User) -> bool:
    return permissions.is_global_admin(actor) or bool(permissions.role_units(actor, Role.secretariat, Role.admin))


def require_award_manager(actor: User, unit: Unit | None = None) -> None:
    """PermissionDenied unless the actor manages award forms and campaigns of `unit` (without one: of any unit)."""
    if not (permissions.can_manage_awards(actor, unit) if unit is not None else manages_awards_somewhere(actor)):
        deny("Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị mới được quản lý hình thức khen thưởng, đợt thi đua.")


def award_owner_units(actor: User) -> list[Unit]:
    """Units that may own the actor's award forms and campaigns: review levels under their secretariat or admin."""
    return list(db.session.scalars(select(Unit).where(award_owner_filter(actor)).order_by(Unit.path)))


def owns_awards_somewhere(actor: User) -> bool:
    """bool(award_owner_units(actor)), without loading every unit of a national admin's country."""
    return db.session.scalar(select(Unit.id).where(award_owner_filter(actor)).limit(1)) is not None


def award_owner_filter(actor: User) -> ColumnElement[bool]:
    """SQL condition: the Unit may own the actor's award forms, campaigns and review periods."""
    return and_(
        permissions.subtree_filter(actor, Unit.path, Role.secretariat, Role.admin),
        Unit.level.in_([level.value for level in REVIEW_LEVELS]),
    )
