"""The contexts templates are rendered with: plain values only (str, int, bool, lists of dicts of those), all text
NFC, built from the domain objects by reading attributes, or for the awardees of a decision from plain rows
(`Awardee`) read in one query. Templates never see an ORM object, so what a template can print is exactly what is
built here (and listed in docs_templates/README.md)."""

from datetime import date
from typing import NamedTuple

from workflow import clock
from workflow.documents import vietnamese as vn
from workflow.states import NomineeKind
from workflow.text import fold

SIGNING_FORMS = {"KT": "KT.", "TM": "TM.", "Q": "Q."}
KIND_TITLES = {kind.value: kind.title for kind in NomineeKind}


class Awardee(NamedTuple):
    """What the lists and certificates print of one nomination."""

    nominee_kind: str
    nominee_name: str
    position: str
    achievements: str
    unit_name: str
    award_form_name: str

    @classmethod
    def of(cls, nomination) -> "Awardee":
        return cls(
            nomination.nominee_kind,
            nomination.nominee_name,
            nomination.position,
            nomination.achievements,
            nomination.unit.name,
            nomination.award_form.name,
        )


def decision_context(decision, awardees=None, *, number: int | None = None) -> dict:
    """Everything the decision and its annex print. A decision without a number or date yet (a draft) shows the
    number as "…" and the day and month as blanks to fill in, and carries the mark "DỰ THẢO".
    `awardees` are the decision's (Awardee rows) in the order of its annex, if the caller has them already;
    `number` is the one it is being issued with, if it does not carry it yet."""
    context = _decision_header(decision, number or decision.number)
    if awardees is None:
        awardees = [Awardee.of(item.nomination) for item in decision.items]
    rows = awardee_rows(awardees, context["campaign_title"])
    collectives = _numbered([row for row in rows if row["kind"] == NomineeKind.collective])
    individuals = _numbered([row for row in rows if row["kind"] == NomineeKind.individual])
    return context | {
        "basis": _clauses(decision.basis),
        "proposal": vn.text(decision.proposal),
        "bonus": vn.text(decision.bonus),
        "implementers": vn.text(decision.implementers),
        "recipients": _recipients(decision.recipients),
        "collectives": collectives,
        "individuals": individuals,
        "collective_count": len(collectives),
        "individual_count": len(individuals),
        "count_text": vn.count_text(len(collectives), len(individuals)),
    }


def certificate_context(decision) -> dict:
    """The decision's context plus `certificates`: one row per awardee, collectives first, in the annex order."""
    return with_certificates(decision_context(decision))


def with_certificates(context: dict) -> dict:
    """A decision's context plus its `certificates`, numbered through: the collectives' rows are the annex's own
    (numbered alike), the individuals' are copies with their number in the whole list."""
    rows = context["collectives"] + context["individuals"]
    certificates = [row if row["stt"] == number else row | {"stt": number} for number, row in enumerate(rows, start=1)]
    return context | {"certificates": certificates}


def _decision_header(decision, number: int | None) -> dict:
    draft = number is None or decision.issued_on is None
    day = None if draft else decision.issued_on
    year = decision.year or (day.year if day else clock.today().year)
    award_form = decision.award_form
    unit_name = vn.line(decision.issuing_unit.name)
    place = vn.line(decision.place) or vn.place_name(unit_name)
    signing_authority = vn.upper(decision.signing_authority)
    prefix = SIGNING_FORMS.get(decision.signing_form or "")
    number_text = vn.BLANK_NUMBER if draft else f"{number:02d}"
    return {
        "draft": draft,
        "draft_mark": "DỰ THẢO" if draft else "",
        "parent_body": vn.upper(decision.parent_body),
        "issuing_body": vn.upper(decision.issuing_body),
        "unit_name": unit_name,
        "symbol": vn.line(decision.symbol),
        "number": number_text,
        "reference": vn.line(f"{number_text}/{decision.symbol}"),
        "place": place,
        "day": vn.BLANK_DAY if draft else vn.day_text(day),
        "month": vn.BLANK_DAY if draft else vn.month_text(day),
        "year": str(year),
        "date_text": vn.date_text(day, year),
        "date_line": vn.date_line(place, day, year),
        "subject": vn.line(decision.subject),
        "authority": vn.upper(decision.authority),
        "award_form_name": vn.line(award_form.name),
        "award_title": vn.award_title(award_form.name),
        "issuer_title": vn.issuer_title(award_form.name, decision.authority, unit_name),
        "campaign_title": vn.line(decision.campaign.title) if decision.campaign else "",
        "signing_line": f"{prefix} {signing_authority}" if prefix and signing_authority else "",
        "signer_title": vn.upper(decision.signer_title),
        "signer_name": vn.line(decision.signer_name),
    }


def proposal_context(unit, campaign, nominations, *, today: date | None = None) -> dict:
    """The Tờ trình of a commune (or agency) for the nominations it approved in a campaign. The number and the day
    are left blank: the commune's office numbers and dates it when it is signed."""
    year = (today or clock.today()).year
    nominations = sorted(nominations, key=lambda n: n.nominee_kind != NomineeKind.collective)
    rows = nomination_rows(nominations, vn.line(campaign.title))
    collectives = _numbered([row for row in rows if row["kind"] == NomineeKind.collective])
    individuals = _numbered([row for row in rows if row["kind"] == NomineeKind.individual])
    administrative = unit.level in vn.ADMINISTRATIVE_LEVELS
    symbol = "TTr-UBND" if administrative else "TTr"
    addressees = list(dict.fromkeys(_addressee(n.award_form) for n in nominations))
    return unsigned_header(unit, symbol, vn.place_name(unit.name), year, number=vn.BLANK_NUMBER) | {
        "subject": "Về việc đề nghị khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong "
        + vn.line(campaign.title),
        "addressees": addressees,
        "addressee": "; ".join(addressees),
        "campaign_title": vn.line(campaign.title),
        "campaign_starts": vn.short_date(campaign.starts_on),
        "campaign_ends": vn.short_date(campaign.ends_on),
        "forms": _forms(rows),
        "collectives": collectives,
        "individuals": individuals,
        "collective_count": len(collectives),
        "individual_count": len(individuals),
        "count_text": vn.count_text(len(collectives), len(individuals)),
        "recipients": ["Như trên;", "Lưu: VT."],
        "signing_line": "TM. ỦY BAN NHÂN DÂN" if administrative else "",
        "signer_title": "CHỦ TỊCH" if administrative else "THỦ TRƯỞNG ĐƠN VỊ",
        "signer_name": "",
    }


def nomination_rows(nominations, campaign_title: str = "") -> list[dict]:
    """One row per nomination, in the given order, with what the lists and certificates print."""
    return awardee_rows([Awardee.of(nomination) for nomination in nominations], campaign_title)


def awardee_rows(awardees, campaign_title: str = "") -> list[dict]:
    """One row per Awardee, in the given order, with what the lists and certificates print."""
    # A handful of units, forms and positions for thousands of rows: each written out and folded once.
    units, forms, positions = {}, {}, {}
    rows = []
    for kind, raw_name, raw_position, raw_achievements, unit_name, form_name in awardees:
        if unit_name not in units:
            unit = vn.line(unit_name)
            units[unit_name] = (unit, fold(vn.place_name(unit)))
        if form_name not in forms:
            forms[form_name] = vn.line(form_name)
        if raw_position not in positions:
            position = vn.line(raw_position)
            positions[raw_position] = (position, fold(position))
        unit, place = units[unit_name]
        (position, folded_position), name = positions[raw_position], vn.line(raw_name)
        # "Tổ trưởng, Thị trấn X" but not "Chủ tịch UBND xã Y, Xã Y": the unit is written once.
        repeated = bool(place) and (
            place in folded_position or (kind == NomineeKind.collective and place in fold(name))
        )
        achievements = vn.text(raw_achievements)
        rows.append(
            {
                "kind": str(kind),
                "kind_title": KIND_TITLES.get(kind, ""),
                "name": name,
                "position": position,
                "unit": unit,
                "position_unit": position if repeated else ", ".join(part for part in (position, unit) if part),
                "achievements": achievements,
                "achievement_line": _achievement_line(achievements, campaign_title),
                "award_form_name": forms[form_name],
            }
        )
    return rows


def _numbered(rows: list[dict]) -> list[dict]:
    """The rows, each given its number from 1 (stt) in place: they were built for this one list."""
    for number, row in enumerate(rows, start=1):
        row["stt"] = number
    return rows


# How a clerk's summary may begin (folded), and what the certificate puts before it, so that the line reads
# "Đã có thành tích …" once: "Có thành tích xuất sắc …" becomes "Đã có thành tích xuất sắc …", not "Đã có thành
# tích có thành tích …". Anything else is led by the whole phrase.
_LEADS = (("da ", ""), ("co ", "Đã "), ("dat ", "Đã "), ("thanh tich ", "Đã có "))


def _achievement_line(achievements: str, campaign_title: str) -> str:
    """'Đã có thành tích …', the line a certificate prints under the awardee's name."""
    summary = vn.line(achievements).rstrip(" ;,")
    if not summary:
        occasion = f" trong {campaign_title}" if campaign_title else ""
        return f"Đã có thành tích xuất sắc{occasion}."
    if not summary.endswith((".", "!", "?", "…")):
        summary += "."
    lead = next((lead for start, lead in _LEADS if _starts_folded(summary, start)), "Đã có thành tích ")
    return lead + vn.lower_first(summary) if lead else summary


def _starts_folded(text: str, folded: str) -> bool:
    """fold(text).startswith(folded), folding only the head of a long text when that is enough to tell."""
    head = fold(text[: len(folded) + 8])
    return (head if len(head) > len(folded) else fold(text)).startswith(folded)


def _clauses(value: str) -> list[str]:
    """The "Căn cứ …" lines: each ends with ";" except the last, which ends with "."."""
    items = [item.rstrip(" ;.,") for item in vn.lines(value)]
    return [item + ("." if number == len(items) else ";") for number, item in enumerate(items, start=1)]


def _recipients(value: str) -> list[str]:
    """The "Nơi nhận" lines (the template adds "- "), the archive line "Lưu: VT, …" last, added if missing."""
    items = [item.rstrip(" ;.,") for item in vn.lines(value)]
    archive = [item for item in items if fold(item).startswith("luu")] or ["Lưu: VT"]
    items = [item for item in items if not fold(item).startswith("luu")] + archive
    return [item + ("." if number == len(items) else ";") for number, item in enumerate(items, start=1)]


def _forms(rows: list[dict]) -> list[dict]:
    """'Giấy khen của …: 02 tập thể và 03 cá nhân', one per award form, in order of first appearance."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        counts.setdefault(row["award_form_name"], [0, 0])[row["kind"] == NomineeKind.individual] += 1
    return [{"name": name, "count_text": vn.count_text(*pair)} for name, pair in counts.items()]


def _addressee(award_form) -> str:
    owner = award_form.owner_unit
    return vn.issuer_title(award_form.name, award_form.authority, owner.name if owner else "")


def unsigned_header(unit, symbol: str, place: str, year: int, *, number: str) -> dict:
    """The header of a document a unit sends up (a Tờ trình, a report): its bodies, then "Số" and the date left
    blank for the unit's office to fill in when it is signed."""
    return {
        "draft": False,
        "draft_mark": "",
        "parent_body": vn.body_caps(unit.parent.name, unit.parent.level) if unit.parent else "",
        "issuing_body": vn.body_caps(unit.name, unit.level),
        "unit_name": vn.line(unit.name),
        "body_name": vn.body_name(unit.name, unit.level),
        "symbol": symbol,
        "number": number,
        "reference": f"{number}/{symbol}",
        "place": place,
        "day": vn.BLANK_DAY,
        "month": vn.BLANK_DAY,
        "year": str(year),
        "date_text": vn.date_text(None, year),
        "date_line": vn.date_line(place, None, year),
    }
