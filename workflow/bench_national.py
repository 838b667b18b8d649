"""The national-scale dataset of `make bench` (issue 6): 34 provinces, ~3,300 communes, ~10,000 agencies, three
years of campaigns with 300,000 nominations in every state with their history, award decisions, and a report of
every reporting unit for every yearly period. Deterministic for a seed; written with Core bulk inserts and
explicit ids in one transaction, on an empty database with the schema created.

About a third of the provinces keep a district level (district-era chains); the others are two-level. One district
(Huyện Lạc Dương, Lâm Đồng) carries the benchmark's load: a full reviewer inbox and ≥ 10,000 nominations awaiting
its secretariat's decision (at scale 1).
"""

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import JSON, func, insert, select, text
from werkzeug.security import generate_password_hash

from workflow import catalogue
from workflow.bench_names import (
    ACHIEVEMENTS,
    AGENCY_KINDS,
    COLLECTIVES,
    GIVEN_MEN,
    GIVEN_WOMEN,
    MIDDLE_MEN,
    MIDDLE_WOMEN,
    POSITIONS,
    PROVINCES,
    REJECT_REASONS,
    RETURN_REASONS,
    SPECIAL_ZONES,
    SURNAMES,
    SYLLABLES,
)
from workflow.extensions import db
from workflow.models import (
    AwardForm,
    Campaign,
    Decision,
    DecisionCounter,
    DecisionItem,
    Indicator,
    Nomination,
    NominationEvent,
    Report,
    ReportEvent,
    ReportValue,
    ReviewPeriod,
    RoleAssignment,
    Unit,
    User,
    campaign_award_forms,
)
from workflow.text import fold

PASSWORD = "antq2026bench"
YEARS = (2024, 2025, 2026)
NOMINATIONS, AGENCIES = 300_000, 10_000
FEATURED_INBOX, FEATURED_DECISION = 1_200, 11_500  # awaiting the featured district's reviewer / secretariat
DECISION_SIZE = 120
BATCH = 10_000

# Target state of a nomination per year: (stage, weight). "review" stops at a level short of the last one,
# "final" awaits the secretariat's decision.
STAGES = {
    2024: [("awarded", 84), ("rejected", 7), ("withdrawn", 5), ("revoked", 2), ("returned", 2)],
    2025: [("awarded", 78), ("rejected", 7), ("withdrawn", 5), ("revoked", 1), ("returned", 3), ("final", 3),
           ("review", 2), ("draft", 1)],
    2026: [("draft", 14), ("submitted", 18), ("review", 22), ("final", 12), ("awarded", 12), ("returned", 8),
           ("rejected", 6), ("withdrawn", 5), ("revoked", 1), ("submitted", 2)],
}  # fmt: skip
REPORT_STAGES = {
    2024: [("accepted", 97), ("review", 2), ("returned", 1)],
    2025: [("accepted", 92), ("review", 5), ("returned", 3)],
    2026: [("draft", 35), ("submitted", 20), ("review", 15), ("accepted", 20), ("returned", 10)],
}
AGENCY_INDICATORS = 10  # agencies fill the first figures of the catalogue only (propaganda and tips)


@dataclass
class Summary:
    counts: dict[str, int]
    password: str
    personas: dict[str, str]  # district_reviewer, national_admin, secretariat, clerk, (consolidation_)province_reviewer
    consolidation_unit_id: int
    consolidation_unit_size: int
    consolidation_period_id: int
    bulk_approve_ids: list[int] = field(repr=False)
    decision_ready_ids: list[int] = field(repr=False)
    decision_award_form_id: int = 0
    seconds: float = 0.0


@dataclass
class Node:
    id: int
    code: str
    name: str
    level: str
    path: str
    province: "Node | None" = None
    district: "Node | None" = None
    commune: "Node | None" = None


class _Ids:
    """Explicit ids per table, continuing after what the table holds."""

    def __init__(self):
        self.next = {}

    def take(self, model) -> int:
        table = model.__table__.name
        if table not in self.next:
            self.next[table] = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        value = self.next[table]
        self.next[table] += 1
        return value


def generate(scale: float = 1.0, seed: int = 2026) -> Summary:
    """Fill the (empty) database with the national dataset; the caller's app context, committed at the end."""
    started = datetime.now()
    rng = random.Random(seed)
    ids = _Ids()
    world = _World(rng, ids, scale)
    world.build_tree()
    world.build_users()
    world.build_awards()
    world.build_nominations()
    world.build_reports()
    _reset_sequences()
    db.session.commit()
    summary = world.summary()
    summary.seconds = (datetime.now() - started).total_seconds()
    return summary


def _insert(model, rows: list[dict]) -> None:
    """Plain Core executemany on the session's connection (the ORM's bulk path costs twice as much per row); on
    PostgreSQL a COPY, three times faster again."""
    table = getattr(model, "__table__", model)
    connection = db.session.connection()
    if rows and connection.dialect.name == "postgresql":
        _copy(connection, table, rows)
        return
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[start : start + BATCH])


def _copy(connection, table, rows: list[dict]) -> None:
    """COPY the rows into `table`, with the columns' Python-side defaults filled in as an INSERT would."""
    given = list(rows[0])
    defaults = {
        column.name: column.default.arg
        for column in table.columns
        if column.name not in given and column.default is not None and not column.default.is_sequence
    }
    names = [*given, *defaults]
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    fixed = [(name, value) for name, value in defaults.items() if not callable(value)]
    computed = [(name, value) for name, value in defaults.items() if callable(value)]
    columns = ", ".join(f'"{name}"' for name in names)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                values = [json.dumps(row[n]) if n in json_columns else row[n] for n in given]
                values += [value for _, value in fixed]
                values += [value(None) for _, value in computed]  # ColumnDefault wraps callables to take a context
                copy.write_row(values)


def _reset_sequences() -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MEN)} {rng.choice(GIVEN_MEN)}"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_WOMEN)} {rng.choice(GIVEN_WOMEN)}"


def _stamp(day: date, minutes: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(minutes=minutes)


class _World:
    """The dataset being built: the tree as light nodes, then rows for every table, inserted as they are made."""

    def __init__(self, rng: random.Random, ids: _Ids, scale: float):
        self.rng, self.ids, self.scale = rng, ids, scale
        self.provinces: list[Node] = []
        self.districts: list[Node] = []
        self.communes: list[Node] = []
        self.agencies: list[Node] = []
        self.below: dict[int, list[Node]] = defaultdict(list)  # province id → its communes
        self.featured: Node | None = None
        self.users: dict[tuple[str, int | None], tuple[int, str]] = {}  # (role, unit id) → (user id, username)
        self.counts: dict[str, int] = {}

    def scaled(self, n: int, least: int = 1) -> int:
        return max(least, round(n * self.scale))

    # The tree ------------------------------------------------------------------------------------------------

    def build_tree(self) -> None:
        rows: list[dict] = []
        pairs = [f"{a} {b}" for a in SYLLABLES for b in SYLLABLES if a != b]
        for code, name, communes, district_era in PROVINCES:
            province = self._unit(rows, code, name, "province", None)
            self.provinces.append(province)
            city = name.startswith("Thành phố")
            names = self._commune_names(code, self.rng.sample(pairs, self.scaled(communes)), city)
            parents = self._districts(rows, province, len(names)) if district_era else [province] * len(names)
            for i, (commune_name, parent) in enumerate(zip(names, parents, strict=True), start=1):
                commune = self._unit(rows, f"{code}-X{i:03d}", commune_name, "commune", parent)
                self.communes.append(commune)
                self.below[province.id].append(commune)
        self._agencies(rows, pairs)
        _insert(Unit, rows)

    def _unit(self, rows: list[dict], code: str, name: str, level: str, parent: Node | None) -> Node:
        unit_id = self.ids.take(Unit)
        node = Node(unit_id, code, name, level, f"{parent.path if parent else '/'}{unit_id}/")
        node.province = node if level == "province" else parent.province
        node.district = node if level == "district" else (parent.district if parent else None)
        node.commune = node if level == "commune" else (parent.commune if parent else None)
        rows.append({"id": unit_id, "code": code, "name": name, "level": level, "parent_id": parent and parent.id,
                     "path": node.path})  # fmt: skip
        return node

    def _commune_names(self, code: str, places: list[str], city: bool) -> list[str]:
        zones = SPECIAL_ZONES.get(code, [])[: max(0, len(places) - 1)]
        names = [f"Đặc khu {zone}" for zone in zones]
        for place in places[len(zones) :]:
            ward = self.rng.random() < (0.6 if city else 0.15)
            names.append(f"{'Phường' if ward else 'Xã'} {place}")
        return names

    def _districts(self, rows: list[dict], province: Node, communes: int) -> list[Node]:
        """The districts of a district-era province, and the district of each of its communes in order. Lâm Đồng's
        first district, Lạc Dương, is the benchmark's: twenty communes (at scale 1)."""
        parents: list[Node] = []
        number = 0
        while len(parents) < communes:
            number += 1
            featured = province.code == "LDG" and number == 1
            name = "Huyện Lạc Dương" if featured else f"Huyện {self.rng.choice(SYLLABLES)} {self.rng.choice(SYLLABLES)}"
            district = self._unit(rows, f"{province.code}-H{number:02d}", name, "district", province)
            self.districts.append(district)
            if featured:
                self.featured = district
            size = self.scaled(20, 2) if featured else self.rng.randint(5, 9)
            parents += [district] * size
        return parents[:communes]

    def _agencies(self, rows: list[dict], pairs: list[str]) -> None:
        """Agencies, schools and enterprises, more of them in the cities; most under a commune, some under a
        district or straight under the province."""
        weights = [len(self.below[p.id]) * (2 if p.name.startswith("Thành phố") else 1) for p in self.provinces]
        numbers: dict[int, int] = defaultdict(int)
        for _ in range(self.scaled(AGENCIES)):
            province = self.rng.choices(self.provinces, weights=weights)[0]
            roll = self.rng.random()
            communes = self.below[province.id]
            parent = self.rng.choice(communes)
            if roll < 0.10:
                parent = province
            elif roll < 0.25 and parent.district is not None:
                parent = parent.district
            numbers[province.id] += 1
            place = parent.name.split(" ", 1)[1] if parent.level == "commune" else self.rng.choice(pairs)
            name = self.rng.choice(AGENCY_KINDS).format(p=place)
            code = f"{province.code}-CQ{numbers[province.id]:04d}"
            self.agencies.append(self._unit(rows, code, name, "agency", parent))

    # Users ---------------------------------------------------------------------------------------------------

    def build_users(self) -> None:
        password_hash = generate_password_hash(PASSWORD)
        users: list[dict] = []
        roles: list[dict] = []
        suffixes = {"clerk": "canbo", "reviewer": "lanhdao", "secretariat": "thuongtruc"}
        plan = {
            "province": ("reviewer", "secretariat"),
            "district": ("clerk", "reviewer", "secretariat"),
            "commune": ("clerk", "reviewer"),
            "agency": ("clerk",),
        }
        accounts = [("quantri", "admin", None)]
        for node in [*self.provinces, *self.districts, *self.communes, *self.agencies]:
            accounts += [(f"{node.code.lower()}.{suffixes[role]}", role, node.id) for role in plan[node.level]]
        joined = datetime(2024, 1, 2, 1, tzinfo=UTC)
        for username, role, unit_id in accounts:
            user_id = self.ids.take(User)
            users.append({"id": user_id, "username": username, "full_name": _person(self.rng),
                          "password_hash": password_hash, "active": True, "created_at": joined,
                          "failed_logins": 0})  # fmt: skip
            roles.append({"id": self.ids.take(RoleAssignment), "user_id": user_id, "role": role, "unit_id": unit_id})
            self.users[(role, unit_id)] = (user_id, username)
        _insert(User, users)
        _insert(RoleAssignment, roles)

    def user(self, role: str, unit: Node) -> int:
        return self.users[(role, unit.id)][0]

    # Award forms and campaigns -------------------------------------------------------------------------------

    def build_awards(self) -> None:
        forms: list[dict] = []
        campaigns: list[dict] = []
        links: list[dict] = []
        self.forms: dict[int, list[tuple[dict, Node]]] = {}  # owner unit id → its forms
        self.campaigns: dict[tuple[int, int], int] = {}  # (owner unit id, year) → campaign id
        for owner in [*self.provinces, *self.districts]:
            kind, short = owner.name.split(" ", 1) if owner.level == "district" else self._province_words(owner)
            place = short
            if owner.level == "district":
                specs = [
                    (
                        f"Giấy khen của Chủ tịch UBND huyện {short}",
                        "QĐ-UBND",
                        "",
                        f"ỦY BAN NHÂN DÂN HUYỆN {short}",
                        f"CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN {short}",
                    )
                ]
            else:
                specs = [
                    (f"Giấy khen của Giám đốc Công an {kind} {short}", "QĐ-CAT", "BỘ CÔNG AN",
                     f"CÔNG AN {kind} {short}", f"GIÁM ĐỐC CÔNG AN {kind} {short}"),
                    (f"Bằng khen của Chủ tịch UBND {kind} {short}", "QĐ-UBND", "",
                     f"ỦY BAN NHÂN DÂN {kind} {short}", f"CHỦ TỊCH ỦY BAN NHÂN DÂN {kind} {short}"),
                ]  # fmt: skip
            self.forms[owner.id] = []
            for name, symbol, parent_body, issuing_body, authority in specs:
                police = symbol == "QĐ-CAT"
                row = {"id": self.ids.take(AwardForm), "name": name, "owner_unit_id": owner.id,
                       "accepts_collective": True, "accepts_individual": True,
                       "criteria": "Có thành tích xuất sắc trong phong trào Toàn dân bảo vệ ANTQ.",
                       "decision_symbol": symbol, "parent_body": parent_body, "issuing_body": issuing_body.upper(),
                       "authority": authority.upper(), "signing_authority": "GIÁM ĐỐC" if police else "CHỦ TỊCH",
                       "signer_title": "PHÓ GIÁM ĐỐC" if police else "PHÓ CHỦ TỊCH", "place": place}  # fmt: skip
                forms.append(row)
                self.forms[owner.id].append((row, owner))
            for year in YEARS:
                campaign_id = self.ids.take(Campaign)
                suffix = f" – {owner.name}" if owner.level == "district" else ""
                deadline = date(year, 12, 15) if year == YEARS[-1] else date(year, 10, 31)
                campaigns.append({"id": campaign_id, "title": f"Phong trào Toàn dân bảo vệ ANTQ năm {year}{suffix}",
                                  "owner_unit_id": owner.id, "starts_on": date(year, 1, 1),
                                  "ends_on": date(year, 12, 31), "nomination_deadline": deadline,
                                  "description": f"Đợt thi đua năm {year} của {owner.name}."})  # fmt: skip
                links += [{"campaign_id": campaign_id, "award_form_id": f["id"]} for f, _ in self.forms[owner.id]]
                self.campaigns[(owner.id, year)] = campaign_id
        _insert(AwardForm, forms)
        _insert(Campaign, campaigns)
        _insert(campaign_award_forms, links)

    @staticmethod
    def _province_words(province: Node) -> tuple[str, str]:
        if province.name.startswith("Thành phố"):
            return "thành phố", province.name.removeprefix("Thành phố ")
        return "tỉnh", province.name.removeprefix("Tỉnh ")

    # Nominations, their history and the decisions that awarded them -------------------------------------------

    def build_nominations(self) -> None:
        self.chains: dict[tuple[int, int], list] = {}
        self.decisions: dict[tuple, dict] = {}  # (form id, year, revoked) → the decision being filled
        self.decision_rows: list[dict] = []
        self.items: list[dict] = []
        self.numbers: dict[tuple[int, str, int], int] = defaultdict(int)
        self.rows, self.events = [], []
        self.bulk_ids, self.ready_ids = [], []
        self.stages = {y: ([s for s, _ in o], _cumulative([w for _, w in o])) for y, o in STAGES.items()}
        nominators = [*self.communes, *self.agencies]
        featured = [c for c in self.communes if c.district is self.featured]
        district_form = self.forms[self.featured.id][0]
        inbox, ready = self.scaled(FEATURED_INBOX), self.scaled(FEATURED_DECISION)
        for _ in range(self.scaled(NOMINATIONS) - inbox - ready):
            unit = self.rng.choice(nominators)
            year = self.rng.choices(YEARS, cum_weights=(32, 65, 100))[0]
            stages, weights = self.stages[year]
            self._nomination(unit, self._form(unit), year, self.rng.choices(stages, cum_weights=weights)[0])
        for count, stage, bucket in ((inbox, "review", self.bulk_ids), (ready, "final", self.ready_ids)):
            for _ in range(count):
                steps = 1 if stage == "review" else None
                bucket.append(self._nomination(self.rng.choice(featured), district_form, YEARS[-1], stage, steps))
        self._flush_nominations()
        _insert(Decision, [{k: v for k, v in d.items() if k != "_size"} for d in self.decision_rows])
        _insert(DecisionItem, self.items)
        _insert(DecisionCounter, [{"unit_id": u, "symbol": s, "year": y, "last_number": n}
                                  for (u, s, y), n in self.numbers.items()])  # fmt: skip

    def _form(self, unit: Node) -> tuple[dict, Node]:
        roll = self.rng.random()
        if unit.district is not None and roll < 0.55:
            return self.forms[unit.district.id][0]
        police, merit = self.forms[unit.province.id]
        return police if roll < 0.85 else merit

    def _chain(self, unit: Node, owner: Node) -> list[Node]:
        """The review levels from `unit` up to `owner`, as machine.chain_up_to() derives them."""
        chain = [n for n in (unit.commune, unit.district) if n is not None]
        return chain if owner.level == "district" else [*chain, owner]

    def _nomination(self, unit: Node, form: tuple[dict, Node], year: int, stage: str, steps=None) -> int:
        form_row, owner = form
        chain = self._chain(unit, owner)
        key = (unit.id, owner.id)
        if key not in self.chains:
            self.chains[key] = [{"unit_id": n.id, "level": n.level} for n in chain]
        nomination_id = self.ids.take(Nomination)
        clerk = self.user("clerk", unit)
        day = date(year, 3, 1) + timedelta(days=self.rng.randrange(120))
        events = _History(self.rng, day)
        events.move("create", "draft", clerk)
        self._walk(events, stage, chain, clerk, steps, form_row, owner, year, nomination_id)
        state = events.state
        role, awaiting_unit = _awaiting(state, chain, unit)
        individual = self.rng.random() < 0.65
        name = _person(self.rng) if individual else self._collective(unit)
        self.rows.append({
            "id": nomination_id, "campaign_id": self.campaigns[(owner.id, year)], "award_form_id": form_row["id"],
            "unit_id": unit.id, "nominee_kind": "individual" if individual else "collective",
            "nominee_name": name, "nominee_search": fold(name),
            "position": self.rng.choice(POSITIONS) if individual else "",
            "achievements": self.rng.choice(ACHIEVEMENTS).format(y=year, n=self.rng.randint(2, 40)),
            "state": state, "version": len(events.rows), "review_chain": self.chains[key],
            "awaiting_role": role, "awaiting_unit_id": awaiting_unit, "created_by_id": clerk,
            "submitted_by_id": clerk if events.submitted else None,
            "created_at": events.rows[0]["created_at"], "updated_at": events.rows[-1]["created_at"],
        })  # fmt: skip
        for row in events.rows:
            row["nomination_id"] = nomination_id
        self.events += events.rows
        if len(self.rows) >= BATCH:
            self._flush_nominations()
        return nomination_id

    def _walk(self, events, stage, chain, clerk, steps, form_row, owner, year, nomination_id) -> None:
        """The history from a fresh draft to `stage`, along the chain."""
        rng = self.rng
        if stage == "draft" or (stage == "withdrawn" and rng.random() < 0.3):
            if stage == "withdrawn":
                events.move("withdraw", "withdrawn", clerk)
            return
        events.move("submit", "submitted", clerk)
        settled = stage in ("final", "awarded", "revoked")
        if settled and rng.random() < 0.1:
            events.move("return", "returned", self.user("reviewer", chain[0]), rng.choice(RETURN_REASONS))
            events.move("submit", "submitted", clerk)
        if steps is None:
            if settled:
                steps = len(chain)
            elif stage == "review":
                steps = rng.randint(1, len(chain) - 1) if len(chain) > 1 else 0
            else:
                steps = 0 if stage == "submitted" else rng.randrange(len(chain))
        for step in chain[:steps]:
            events.move("approve", f"{step.level}_approved", self.user("reviewer", step))
        if stage in ("returned", "rejected"):
            reviewer = self.user("reviewer", chain[steps])
            action, state, reasons = ("return", "returned", RETURN_REASONS)
            if stage == "rejected":
                action, state, reasons = ("reject", "rejected", REJECT_REASONS)
            events.move(action, state, reviewer, rng.choice(reasons))
        elif stage == "withdrawn":
            events.move("withdraw", "withdrawn", clerk)
        elif stage in ("awarded", "revoked"):
            decision = self._decision(form_row, owner, year, stage == "revoked")
            secretariat = decision["issued_by_id"]
            reference = f"{decision['number']:02d}/{decision['symbol']}"
            events.at("award", "awarded", secretariat, f"Quyết định số {reference}", decision["issued_at"])
            if stage == "revoked":
                comment = f"Thu hồi Quyết định số {reference}: {decision['revoke_reason']}"
                events.at("revoke", "revoked", secretariat, comment, decision["revoked_at"])
            decision["_size"] += 1
            self.items.append({"id": self.ids.take(DecisionItem), "decision_id": decision["id"],
                               "nomination_id": nomination_id, "position": decision["_size"]})  # fmt: skip

    def _collective(self, unit: Node) -> str:
        place = f"{self.rng.choice(SYLLABLES)} {self.rng.choice(SYLLABLES)}"
        return self.rng.choice(COLLECTIVES).format(p=place, n=self.rng.randint(1, 30), u=unit.name)

    def _decision(self, form_row: dict, owner: Node, year: int, revoked: bool) -> dict:
        """The decision of this form and year being filled (a new one when the last is full): numbered in order
        of issue per issuing body, symbol and year; revoked awards belong to decisions revoked as a whole."""
        key = (form_row["id"], year, revoked)
        decision = self.decisions.get(key)
        if decision is not None and decision["_size"] < (15 if revoked else DECISION_SIZE):
            return decision
        symbol = form_row["decision_symbol"]
        counter = (owner.id, symbol, year)
        self.numbers[counter] += 1
        number = self.numbers[counter]
        last_day = 31 if year == YEARS[-1] else 80
        issued_on = date(year, 10, 1) + timedelta(days=min(last_day, number // 2))
        issued_at = _stamp(issued_on, 120 + number % 300)
        secretariat = self.user("secretariat", owner)
        campaign_id = self.campaigns[(owner.id, year)]
        decision = {
            "id": self.ids.take(Decision), "state": "revoked" if revoked else "issued",
            "issuing_unit_id": owner.id, "award_form_id": form_row["id"], "campaign_id": campaign_id,
            "symbol": symbol, "year": year, "number": number, "issued_on": issued_on, "place": form_row["place"],
            "parent_body": form_row["parent_body"], "issuing_body": form_row["issuing_body"],
            "subject": f"Về việc khen thưởng trong Phong trào Toàn dân bảo vệ ANTQ năm {year}",
            "authority": form_row["authority"], "basis": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022.",
            "proposal": "Theo đề nghị của Thường trực Hội đồng Thi đua – Khen thưởng.", "bonus": "",
            "implementers": "Các đơn vị có liên quan và cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành.",
            "recipients": "- Như Điều 3;\n- Lưu: VT, TĐKT.", "signing_form": "KT",
            "signing_authority": form_row["signing_authority"], "signer_title": form_row["signer_title"],
            "signer_name": _person(self.rng), "created_by_id": secretariat, "created_at": issued_at - timedelta(days=3),
            "issued_by_id": secretariat, "issued_at": issued_at,
            "revoked_by_id": secretariat if revoked else None,
            "revoked_at": issued_at + timedelta(days=20) if revoked else None,
            "revoke_reason": "Phát hiện hồ sơ không trung thực sau khi khen thưởng." if revoked else "",
            "version": 3 if revoked else 2, "_size": 0,
        }  # fmt: skip
        self.decisions[key] = decision
        self.decision_rows.append(decision)
        return decision

    def _flush_nominations(self) -> None:
        _insert(Nomination, self.rows)
        for row in self.events:
            row["id"] = self.ids.take(NominationEvent)
        _insert(NominationEvent, self.events)
        self.rows, self.events = [], []

    # Review periods and reports ------------------------------------------------------------------------------

    def build_reports(self) -> None:
        if not db.session.scalar(select(func.count()).select_from(Indicator)):
            catalogue.seed()
        indicators = list(db.session.execute(select(Indicator.id, Indicator.kind).order_by(Indicator.position)))
        self.periods: dict[tuple[int, int], int] = {}
        periods, reports, events, values = [], [], [], []
        stages = {y: ([s for s, _ in o], _cumulative([w for _, w in o])) for y, o in REPORT_STAGES.items()}
        reporting = defaultdict(list)
        for node in [*self.districts, *self.communes, *self.agencies]:
            reporting[node.province.id].append(node)
        for province in self.provinces:
            levels = sorted({n.level for n in reporting[province.id]}, key=["district", "commune", "agency"].index)
            for year in YEARS:
                period_id = self.ids.take(ReviewPeriod)
                self.periods[(province.id, year)] = period_id
                periods.append({"id": period_id, "owner_unit_id": province.id, "parent_id": None, "kind": "year",
                                "title": f"Tổng kết phong trào Toàn dân bảo vệ ANTQ năm {year}",
                                "starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31),
                                "due_on": date(year, 12, 15), "reporting_levels": levels, "created_by_id": None,
                                "created_at": _stamp(date(year, 1, 5))})  # fmt: skip
                names, weights = stages[year]
                for unit in reporting[province.id]:
                    stage = self.rng.choices(names, cum_weights=weights)[0]
                    report_id = self.ids.take(Report)
                    row, history = self._report(report_id, period_id, unit, province, year, stage)
                    reports.append(row)
                    events += history
                    figures = indicators if unit.level != "agency" else indicators[:AGENCY_INDICATORS]
                    values += [self._value(report_id, indicator_id, kind) for indicator_id, kind in figures]
        _insert(ReviewPeriod, periods)
        _insert(Report, reports)
        for row in events:
            row["id"] = self.ids.take(ReportEvent)
        _insert(ReportEvent, events)
        _insert(ReportValue, values)

    def _report(self, report_id, period_id, unit: Node, province: Node, year: int, stage: str):
        chain = self._chain(unit, province)
        clerk = self.user("clerk", unit)
        start = date(year, 10, 20) if year == YEARS[-1] else date(year, 11, 25)
        history = _History(self.rng, start + timedelta(days=self.rng.randrange(10)), spread=3)
        history.move("create", "draft", clerk)
        steps = 0
        if stage != "draft":
            history.move("submit", "submitted", clerk)
            if stage == "accepted":
                steps = len(chain)
            elif stage == "review":
                steps = self.rng.randint(1, len(chain) - 1) if len(chain) > 1 else 0
            elif stage == "returned":
                steps = self.rng.randrange(len(chain))
        for index, step in enumerate(chain[:steps]):
            state = "accepted" if index == len(chain) - 1 else f"{step.level}_approved"
            history.move("approve", state, self.user("reviewer", step))
        if stage == "returned":
            reviewer = self.user("reviewer", chain[steps])
            history.move("return", "returned", reviewer, "Số liệu chưa khớp, đề nghị rà soát.")
        state = history.state
        if state in ("draft", "returned"):
            role, awaiting_unit = "clerk", unit.id
        elif state == "accepted":
            role, awaiting_unit = None, None
        else:
            role, awaiting_unit = "reviewer", chain[steps].id
        cleared = chain[steps - 1].id if steps and state != "returned" else None
        for row in history.rows:
            row["report_id"] = report_id
        row = {
            "id": report_id, "period_id": period_id, "unit_id": unit.id, "state": state,
            "version": len(history.rows), "review_chain": [{"unit_id": n.id, "level": n.level} for n in chain],
            "awaiting_role": role, "awaiting_unit_id": awaiting_unit, "cleared_unit_id": cleared,
            "results": f"{unit.name} triển khai phong trào Toàn dân bảo vệ ANTQ năm {year}, đạt nhiều kết quả.",
            "shortcomings": "Một số mô hình tự quản hoạt động chưa đều." if stage != "draft" else "",
            "lessons": "", "proposals": "", "created_by_id": clerk,
            "submitted_by_id": clerk if history.submitted else None,
            "first_submitted_on": history.submitted.date() if history.submitted else None,
            "created_at": history.rows[0]["created_at"], "updated_at": history.rows[-1]["created_at"],
        }  # fmt: skip
        return row, history.rows

    def _value(self, report_id: int, indicator_id: int, kind: str) -> dict:
        if kind == "ratio":
            total = self.rng.randint(1, 30)
            value, total = total - self.rng.randint(0, min(total, 3)), total
        else:
            value, total = self.rng.randrange(60), None
        return {"report_id": report_id, "indicator_id": indicator_id, "value": value, "total": total}

    # The summary ---------------------------------------------------------------------------------------------

    def summary(self) -> Summary:
        sizes = defaultdict(int)
        for node in [*self.districts, *self.communes, *self.agencies]:
            sizes[node.province.id] += 1
        province = min(self.provinces, key=lambda p: abs(sizes[p.id] + 1 - 1000 * self.scale))
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        featured_commune = next(c for c in self.communes if c.district is self.featured)
        return Summary(
            counts=counts,
            password=PASSWORD,
            personas={
                "district_reviewer": self.users[("reviewer", self.featured.id)][1],
                "secretariat": self.users[("secretariat", self.featured.id)][1],
                "clerk": self.users[("clerk", featured_commune.id)][1],
                "province_reviewer": self.users[("reviewer", self.featured.province.id)][1],
                "consolidation_reviewer": self.users[("reviewer", province.id)][1],
                "national_admin": "quantri",
            },
            consolidation_unit_id=province.id,
            consolidation_unit_size=sizes[province.id] + 1,
            consolidation_period_id=self.periods[(province.id, YEARS[-2])],
            bulk_approve_ids=self.bulk_ids[:1000],
            decision_ready_ids=self.ready_ids,
            decision_award_form_id=self.forms[self.featured.id][0][0]["id"],
        )


class _History:
    """History rows of one item, each some days after the last."""

    def __init__(self, rng: random.Random, day: date, spread: int = 10):
        self.rng, self.spread = rng, spread
        self.when = _stamp(day, rng.randrange(600))
        self.state: str | None = None
        self.submitted: datetime | None = None
        self.rows: list[dict] = []

    def move(self, action: str, to_state: str, actor: int, comment: str = "") -> None:
        if self.rows:
            self.when += timedelta(days=self.rng.randint(1, self.spread), minutes=self.rng.randrange(300))
        self.at(action, to_state, actor, comment, self.when)

    def at(self, action: str, to_state: str, actor: int, comment: str, when: datetime) -> None:
        self.rows.append({"action": action, "from_state": self.state, "to_state": to_state, "actor_id": actor,
                          "comment": comment, "created_at": when})  # fmt: skip
        if action == "submit" and self.submitted is None:
            self.submitted = when
        self.state, self.when = to_state, when


def _awaiting(state: str, chain: list[Node], unit: Node) -> tuple[str | None, int | None]:
    """Who must act next, as machine.awaiting() decides it."""
    if state in ("draft", "returned"):
        return "clerk", unit.id
    if state == "submitted":
        return "reviewer", chain[0].id
    if state.endswith("_approved"):
        step = [n.level for n in chain].index(state.removesuffix("_approved"))
        if step + 1 < len(chain):
            return "reviewer", chain[step + 1].id
        return "secretariat", chain[-1].id
    return None, None


def _cumulative(weights: list[int]) -> list[int]:
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out
