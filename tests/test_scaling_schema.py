"""The schema as Citus could hold it (docs/scaling.md): every table distributed, reference or local, and only keys
Citus keeps. Read from the SQLAlchemy metadata alone: no database, no Citus.

A new table, unique key or foreign key fails here until the plan below (and the doc) says what becomes of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects import postgresql

from data_access.schema import metadata

DOC = Path(__file__).resolve().parents[1] / "docs" / "scaling.md"

# The plan, as docs/scaling.md's table gives it. Distributed tables: their distribution column and co-location group.
DISTRIBUTED = {
    "members": "id",
    "contacts": "member_id",
    "volunteer_records": "member_id",
    "member_changes": "member_id",
    "follow_up_members": "member_id",
    "station_visits": "station_id",
    "demands": "community_id",
    "external_items": "phone",
}
COLOCATION = {
    "members": "members",
    "contacts": "members",
    "volunteer_records": "members",
    "member_changes": "members",
    "follow_up_members": "members",
    "station_visits": "station_visits",
    "demands": "demands",
    "external_items": "phones",
}
REFERENCE = {"areas", "stations", "imports", "follow_up_lists", "external_lists"}
LOCAL = {"weekly_stats", "meta", "accounts", "sessions", "sign_in_failures", "audit_log"}

# A surrogate key becomes (distribution column, id) on Citus, as the Citus docs' own example does.
CITUS_PRIMARY_KEYS = {
    "contacts": ("member_id", "id"),
    "volunteer_records": ("member_id", "id"),
    "member_changes": ("member_id", "id"),
    "station_visits": ("station_id", "id"),
    "demands": ("community_id", "id"),
    "external_items": ("phone", "id"),
}
# The exceptions, each explained in docs/scaling.md under the name given here. A unique key kept by another table:
UNIQUE_KEPT_ELSEWHERE = {("members", ("phone",)): "member_phones"}
# Foreign keys between distributed tables of different groups, dropped on Citus (the columns stay, unenforced):
DROPPED_FOREIGN_KEYS = frozenset(
    {("station_visits", "member_id"), ("demands", "member_id"), ("external_items", "member_id")}
)

# Which foreign keys Citus allows (DDL › Adding/Removing Constraints): (referencing kind, referenced kind). Between two
# distributed tables only when co-located and joined on the distribution column, checked apart.
ALLOWED_REFERENCES = {
    ("local", "local"),
    ("reference", "reference"),
    ("local", "reference"),
    ("reference", "local"),
    ("distributed", "reference"),
}


@dataclass(frozen=True)
class Plan:
    distributed: dict[str, str]
    colocation: dict[str, str]
    reference: set[str]
    local: set[str]
    primary_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unique_elsewhere: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)
    dropped_foreign_keys: frozenset[tuple[str, str]] = frozenset()

    def kinds(self, table: str) -> list[str]:
        every = {"distributed": self.distributed, "reference": self.reference, "local": self.local}
        return [kind for kind, names in every.items() if table in names]

    def kind(self, table: str) -> str | None:
        kinds = self.kinds(table)
        return kinds[0] if len(kinds) == 1 else None


PLAN = Plan(DISTRIBUTED, COLOCATION, REFERENCE, LOCAL, CITUS_PRIMARY_KEYS, UNIQUE_KEPT_ELSEWHERE, DROPPED_FOREIGN_KEYS)


def classification_problems(schema: MetaData, plan: Plan) -> list[str]:
    """Each table of the schema in exactly one kind, and nothing planned that the schema lacks."""
    problems = []
    for name in schema.tables:
        found = plan.kinds(name)
        if len(found) != 1:
            problems.append(f"{name}: classified as {found or 'nothing'}, not exactly once")
    planned = {*plan.distributed, *plan.reference, *plan.local, *plan.colocation}
    problems += [f"{name}: planned but not in the schema" for name in sorted(planned - set(schema.tables))]
    ungrouped = sorted(set(plan.distributed) - set(plan.colocation))
    problems += [f"{name}: distributed without a co-location group" for name in ungrouped]
    return problems


def _sql_type(column: Column) -> str:
    return column.type.compile(dialect=postgresql.dialect())


def distribution_column_problems(schema: MetaData, plan: Plan) -> list[str]:
    """A distribution column exists, is NOT NULL (a row is placed by its value) and has one type per group."""
    problems, types = [], {}
    for name, column_name in plan.distributed.items():
        if name not in schema.tables:
            continue
        column = schema.tables[name].c.get(column_name)
        if column is None:
            problems.append(f"{name}.{column_name}: no such column to distribute by")
            continue
        if column.nullable:
            problems.append(f"{name}.{column_name}: a distribution column may not be NULL")
        types.setdefault(plan.colocation.get(name), {})[f"{name}.{column_name}"] = _sql_type(column)
    for group, columns in types.items():
        if len(set(columns.values())) > 1:
            problems.append(f"group {group}: distribution columns of different types {columns}")
    return problems


def unique_keys(table: Table, plan: Plan) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(what, every column it names, the columns it holds as themselves, not inside an expression) of each primary
    key (as planned for Citus), unique constraint and unique index."""
    primary = plan.primary_keys.get(table.name, tuple(c.name for c in table.primary_key.columns))
    keys = [("primary key", primary, primary)] if primary else []
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            names = tuple(c.name for c in constraint.columns)
            keys.append((f"unique {names}", names, names))
    for index in table.indexes:
        if index.unique:
            bare = tuple(e.name for e in index.expressions if isinstance(e, Column))
            keys.append((f"unique index {index.name}", tuple(c.name for c in index.columns), bare))
    return keys


def unique_key_problems(schema: MetaData, plan: Plan) -> list[str]:
    """Every primary key and unique key of a distributed table holds its distribution column as a column (Citus
    skips index expressions); a planned Citus primary key is needed, holds the column and the key it replaces; each
    exception is still needed."""
    problems, used = [], set()
    for name, column_name in plan.distributed.items():
        table = schema.tables.get(name)
        if table is None:
            continue
        today = tuple(c.name for c in table.primary_key.columns)
        if name in plan.primary_keys:
            planned = plan.primary_keys[name]
            if column_name in today:
                problems.append(f"{name}: its primary key {today} needs no Citus replacement")
            if column_name not in planned or not set(today) <= set(planned):
                problems.append(f"{name}: Citus primary key {planned} must hold {column_name} and {today}")
        for what, named, bare in unique_keys(table, plan):
            if column_name in bare:
                continue
            if (name, named) in plan.unique_elsewhere:
                used.add((name, named))
                continue
            problems.append(f"{name}: {what} lacks the distribution column {column_name}")
    unused = sorted(set(plan.unique_elsewhere) - used)
    problems += [f"{name}{named}: listed as kept elsewhere, but Citus can keep it" for name, named in unused]
    return problems


def foreign_key_problems(schema: MetaData, plan: Plan) -> list[str]:
    """Every foreign key of a kind Citus allows: between distributed tables only in one co-location group, on the
    distribution columns of both; the dropped ones are exactly those that are not."""
    problems, dropped = [], set()
    for table in schema.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, ForeignKeyConstraint):
                continue
            target = constraint.referred_table.name
            pairs = {(e.parent.name, e.column.name) for e in constraint.elements}
            source_kind, target_kind = plan.kind(table.name), plan.kind(target)
            label = f"{table.name}({', '.join(sorted(p for p, _ in pairs))}) -> {target}"
            if source_kind == target_kind == "distributed":
                colocated = (
                    plan.colocation.get(table.name) == plan.colocation.get(target)
                    and (plan.distributed[table.name], plan.distributed[target]) in pairs
                )
                listed = {(table.name, p) for p, _ in pairs} & plan.dropped_foreign_keys
                if listed:
                    dropped |= listed
                    if colocated:
                        problems.append(f"{label}: co-located, so Citus keeps it; it need not be dropped")
                elif not colocated:
                    problems.append(f"{label}: distributed tables not co-located on their distribution columns")
            elif (source_kind, target_kind) not in ALLOWED_REFERENCES:
                problems.append(f"{label}: a {source_kind} table cannot reference a {target_kind} table on Citus")
    unused = sorted(plan.dropped_foreign_keys - dropped)
    problems += [f"{name}.{column}: listed as dropped, but there is no such key" for name, column in unused]
    return problems


def all_problems(schema: MetaData, plan: Plan) -> list[str]:
    return [
        *classification_problems(schema, plan),
        *distribution_column_problems(schema, plan),
        *unique_key_problems(schema, plan),
        *foreign_key_problems(schema, plan),
    ]


def doc_plan() -> dict[str, tuple[str, str, str]]:
    """docs/scaling.md's plan table: table -> (kind, distribution column, co-location group), '—' for none."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 5 and cells[1] in {"distributed", "reference", "local"}:
            rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


def test_every_table_is_distributed_reference_or_local_once() -> None:
    assert classification_problems(metadata, PLAN) == []


def test_distribution_columns_exist_are_not_null_and_of_one_type_per_group() -> None:
    assert distribution_column_problems(metadata, PLAN) == []


def test_unique_keys_of_distributed_tables_hold_the_distribution_column() -> None:
    assert unique_key_problems(metadata, PLAN) == []


def test_foreign_keys_are_ones_citus_keeps() -> None:
    assert foreign_key_problems(metadata, PLAN) == []


def test_the_doc_shows_the_plan() -> None:
    expected = {name: ("distributed", column, PLAN.colocation[name]) for name, column in DISTRIBUTED.items()}
    expected |= {name: ("reference", "—", "—") for name in REFERENCE} | {name: ("local", "—", "—") for name in LOCAL}
    assert doc_plan() == expected


def test_the_doc_explains_each_exception() -> None:
    text = DOC.read_text(encoding="utf-8")
    lines = text.splitlines()
    for name, columns in PLAN.primary_keys.items():
        key = f"PRIMARY KEY ({', '.join(columns)})"
        assert any(f"`{name}`" in line and key in line for line in lines), (name, key)
    for (name, columns), kept_by in UNIQUE_KEPT_ELSEWHERE.items():
        assert f"{name}.{', '.join(columns)}" in text and f"`{kept_by}`" in text, (name, columns)
    for name, column in DROPPED_FOREIGN_KEYS:
        assert f"`{name}.{column}`" in text, (name, column)


# The checks themselves, on made-up schemas: a sound one passes, and each broken rule is reported.


def _sound() -> tuple[MetaData, Plan]:
    schema = MetaData()
    Table("areas", schema, Column("id", Integer, primary_key=True), Column("path", String(20), unique=True))
    area_id = Column("area_id", Integer, ForeignKey("areas.id"), nullable=False)
    Table("people", schema, Column("id", Integer, primary_key=True), area_id)
    visits = Table(
        "visits",
        schema,
        Column("id", Integer, primary_key=True),
        Column("person_id", Integer, ForeignKey("people.id"), nullable=False),
        Column("day", String(10), nullable=False),
        Column("note", String(10)),
    )
    Index("ux_visits", visits.c.person_id, visits.c.day, func.coalesce(visits.c.note, ""), unique=True)
    Table("settings", schema, Column("key", String(10), primary_key=True))
    plan = Plan(
        distributed={"people": "id", "visits": "person_id"},
        colocation={"people": "people", "visits": "people"},
        reference={"areas"},
        local={"settings"},
        primary_keys={"visits": ("person_id", "id")},
    )
    return schema, plan


def _unique_index_without_the_column(schema: MetaData, plan: Plan) -> Plan:
    Index("ux_visits_day", schema.tables["visits"].c.day, unique=True)
    return plan


def _the_column_only_inside_an_expression(schema: MetaData, plan: Plan) -> Plan:
    visits = schema.tables["visits"]
    Index("ux_visits_some", func.coalesce(visits.c.person_id, 0), visits.c.note, unique=True)
    return plan


def _unique_constraint_without_the_column(schema: MetaData, plan: Plan) -> Plan:
    schema.tables["visits"].append_constraint(UniqueConstraint("note"))
    return plan


def _surrogate_primary_key_left_as_it_is(schema: MetaData, plan: Plan) -> Plan:
    return replace(plan, primary_keys={})


def _reference_to_distributed(schema: MetaData, plan: Plan) -> Plan:
    person_id = Column("person_id", Integer, ForeignKey("people.id"))
    Table("notes", schema, Column("id", Integer, primary_key=True), person_id)
    return replace(plan, reference={*plan.reference, "notes"})


def _distributed_to_local(schema: MetaData, plan: Plan) -> Plan:
    schema.tables["people"].append_column(Column("setting", String(10), ForeignKey("settings.key")))
    return plan


def _not_colocated(schema: MetaData, plan: Plan) -> Plan:
    person_id = Column("person_id", Integer, ForeignKey("people.id"), nullable=False)
    Table("stops", schema, Column("id", Integer, primary_key=True), person_id)
    return replace(
        plan, distributed={**plan.distributed, "stops": "id"}, colocation={**plan.colocation, "stops": "stops"}
    )


def _nullable_distribution_column(schema: MetaData, plan: Plan) -> Plan:
    Table("calls", schema, Column("id", Integer, primary_key=True), Column("person_id", Integer))
    return replace(
        plan,
        distributed={**plan.distributed, "calls": "person_id"},
        colocation={**plan.colocation, "calls": "people"},
        primary_keys={**plan.primary_keys, "calls": ("person_id", "id")},
    )


def _types_differ_in_a_group(schema: MetaData, plan: Plan) -> Plan:
    Table("tags", schema, Column("person", String(11), primary_key=True))
    return replace(
        plan, distributed={**plan.distributed, "tags": "person"}, colocation={**plan.colocation, "tags": "people"}
    )


def _unplanned_table(schema: MetaData, plan: Plan) -> Plan:
    Table("extra", schema, Column("id", Integer, primary_key=True))
    return plan


def _planned_twice(schema: MetaData, plan: Plan) -> Plan:
    return replace(plan, reference={*plan.reference, "settings"})


def _stale_exceptions(schema: MetaData, plan: Plan) -> Plan:
    return replace(
        plan,
        primary_keys={**plan.primary_keys, "people": ("id", "id")},
        unique_elsewhere={("people", ("id",)): "elsewhere"},
        dropped_foreign_keys=frozenset({("visits", "person_id"), ("visits", "note")}),
    )


BROKEN: dict[str, tuple[Callable[[MetaData, Plan], Plan], str]] = {
    "unique index without the column": (_unique_index_without_the_column, "ux_visits_day lacks the distribution"),
    "column only in an expression": (_the_column_only_inside_an_expression, "ux_visits_some lacks"),
    "unique constraint without the column": (_unique_constraint_without_the_column, "unique ('note',) lacks"),
    "surrogate primary key": (_surrogate_primary_key_left_as_it_is, "visits: primary key lacks"),
    "reference to distributed": (_reference_to_distributed, "a reference table cannot reference a distributed"),
    "distributed to local": (_distributed_to_local, "a distributed table cannot reference a local"),
    "not co-located": (_not_colocated, "stops(person_id) -> people: distributed tables not co-located"),
    "nullable distribution column": (_nullable_distribution_column, "calls.person_id: a distribution column may"),
    "types differ in a group": (_types_differ_in_a_group, "group people: distribution columns of different types"),
    "unplanned table": (_unplanned_table, "extra: classified as nothing"),
    "planned twice": (_planned_twice, "settings: classified as ['reference', 'local']"),
}


def test_the_checks_pass_a_sound_schema() -> None:
    assert all_problems(*_sound()) == []


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_the_checks_catch(case: str) -> None:
    breaking, expected = BROKEN[case]
    schema, plan = _sound()
    problems = all_problems(schema, breaking(schema, plan))
    assert any(expected in problem for problem in problems), problems


def test_each_stale_exception_is_reported() -> None:
    """An exception the schema no longer needs fails too, so that the list (and the doc) shrink with the schema."""
    schema, plan = _sound()
    assert all_problems(schema, _stale_exceptions(schema, plan)) == [
        "people: its primary key ('id',) needs no Citus replacement",
        "people('id',): listed as kept elsewhere, but Citus can keep it",
        "visits(person_id) -> people: co-located, so Citus keeps it; it need not be dropped",
        "visits.note: listed as dropped, but there is no such key",
    ]
