"""What every template may use: labels of states, actions, roles and levels; Vietnamese dates."""

from datetime import date, datetime

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from workflow import clock, permissions
from workflow.models.base import as_utc
from workflow.states import Action, Level, NomineeKind, Role, State

# A decision's three states (no machine: drafted, issued once, perhaps revoked), with title and badge.
DECISION_STATES = {
    "draft": ("Dự thảo", "text-bg-secondary"),
    "issued": ("Đã ban hành", "text-bg-success"),
    "revoked": ("Đã thu hồi", "text-bg-dark"),
}


def vn_datetime(value: datetime | None) -> str:
    return as_utc(value).astimezone(clock.zone()).strftime("%H:%M %d/%m/%Y") if value else ""


def vn_time(value: datetime | None) -> str:
    return as_utc(value).astimezone(clock.zone()).strftime("%H:%M") if value else ""


def vn_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def filesize(size: int) -> str:
    """1 234 567 → '1,2 MB' (Vietnamese decimal comma)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".replace(".", ",") + f" {unit}"
    return f"{size} byte"


def page_url_prefix() -> str:
    """The current list URL, filters kept, ending in "page=": the pager appends each page's number, and its anchor
    where it has one (one url_for for the whole pager, not one per link)."""
    args = request.args.to_dict()
    args.pop("page", None)
    args.pop("anchor", None)
    url = url_for(request.endpoint, **(request.view_args or {}), **args)
    return url + ("&" if args else "?") + "page="


def past_the_end(page):
    """For a page number past the end of a list counted exactly (a bookmark; the last page of a queue emptied by a
    bulk approval), a redirect to its last page, filters kept; None otherwise."""
    last = max(page.pages, 1)
    return redirect(page_url_prefix() + str(last)) if page.exact and page.page > last else None


def holds(*roles: Role) -> bool:
    """Whether the signed-in user holds one of `roles` at some unit: what a page offers them (the bulk bar of
    reviews), so that nobody is shown a button that leads to a refusal."""
    return current_user.is_authenticated and bool(permissions.role_units(current_user, *roles))


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(vn_datetime=vn_datetime, vn_time=vn_time, vn_date=vn_date, filesize=filesize)
    app.jinja_env.globals.update(
        State=State,
        Action=Action,
        Role=Role,
        Level=Level,
        NomineeKind=NomineeKind,
        DECISION_STATES=DECISION_STATES,
        page_url_prefix=page_url_prefix,
        holds=holds,
    )
