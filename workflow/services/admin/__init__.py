"""Administration: the unit tree, accounts and roles, award forms, campaigns. Scoped to the actor's subtree."""

from workflow.services.admin.awards import (
    DEFAULT_SYMBOL,
    ISSUER_FIELDS,
    award_owner_units,
    get_award_form,
    get_campaign,
    manages_awards_somewhere,
    require_award_manager,
    save_award_form,
    save_campaign,
    visible_award_forms,
    visible_campaigns,
)
from workflow.services.admin.common import system_actor
from workflow.services.admin.lookups import Choice, find_award_forms, find_campaigns, find_units
from workflow.services.admin.units import (
    administers_some_unit,
    create_unit,
    get_unit,
    indented,
    require_administrator,
    unit_by_code,
    unit_page,
    unit_tree,
    units_in_scope,
    update_unit,
)
from workflow.services.admin.users import create_user, get_user, set_roles, update_user, user_page

__all__ = [
    "DEFAULT_SYMBOL",
    "Choice",
    "ISSUER_FIELDS",
    "administers_some_unit",
    "award_owner_units",
    "create_unit",
    "create_user",
    "find_award_forms",
    "find_campaigns",
    "find_units",
    "get_award_form",
    "get_campaign",
    "get_unit",
    "get_user",
    "indented",
    "manages_awards_somewhere",
    "require_administrator",
    "require_award_manager",
    "save_award_form",
    "save_campaign",
    "set_roles",
    "system_actor",
    "unit_by_code",
    "unit_page",
    "unit_tree",
    "units_in_scope",
    "update_unit",
    "update_user",
    "user_page",
    "visible_award_forms",
    "visible_campaigns",
]
