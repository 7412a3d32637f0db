"""The database schema: one MetaData, one Table per entity, explicit types and indexes.

Coded columns hold the English codes of metrics/columns.py. Dates are DATE; station visits
carry a timestamp (local time, Asia/Shanghai, stored naive).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    literal_column,
    select,
)
from sqlalchemy.sql.dml import Delete

from metrics.registry import FRACTIONAL_PARTS, SUMMARY_COUNTS

SCHEMA_VERSION = 11  # 2: accounts and audit_log; 3: unique natural keys of activity records; 4: keys of every column;
# 5: sessions, and sign-in failures per name and source; 6: demands and wishes; 7: the demand indicators' weekly parts;
# 8: the week's member flows (what moved); 9: follow-up lists (the members of each exported overdue or lost-contact
# list); 10: the import history, member changes, when a record was verified, and outside lists to reconcile with;
# 11: the weekly parts of record_freshness_rate (verified_in_window) and of those who left 在册 (left_active)

# PostgreSQL's own names for foreign keys, named so that a bulk load can lift and restore them.
metadata = MetaData(naming_convention={"fk": "%(table_name)s_%(column_0_name)s_fkey"})

meta_table = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per district, street and community; `path` is 区/街道/社区 and unique.
areas_table = Table(
    "areas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("level", String(16), nullable=False),
    Column("path", String(200), nullable=False, unique=True),
    Column("district", String(50), nullable=False),
    Column("street", String(50)),
    Column("community", String(50)),
    Column("parent_id", Integer, ForeignKey("areas.id")),
    Column("lon", Float),
    Column("lat", Float),
    Column("boundary", Text),  # GeoJSON geometry, WGS-84
    Index("ix_areas_district_street", "district", "street"),
)

members_table = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("phone", String(11), nullable=False, unique=True),
    Column("flow_type", String(16), nullable=False),
    Column("community_id", Integer, ForeignKey("areas.id"), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("gender", String(4)),
    Column("birth_date", Date),
    Column("home_org", String(200)),
    Column("employer", String(200)),
    Column("occupation", String(32)),
    Column("channel", String(32)),
    Column("liaison", String(50)),
    Column("status", String(16), nullable=False),
    Column("lon", Float),
    Column("lat", Float),
    Column("verified_on", Date),  # 核实日期: when the record was last checked with the member (NULL: never)
    Index("ix_members_community", "community_id"),
)

contacts_table = Table(
    "contacts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("contacted_on", Date, nullable=False),
    Column("side", String(16), nullable=False),
    Column("method", String(16)),
    Column("liaison", String(50)),
)

stations_table = Table(
    "stations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("community_id", Integer, ForeignKey("areas.id"), nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("kind", String(32)),
    Column("opened_on", Date),
    Column("services", Text),  # codes joined by ","
    Index("ix_stations_community", "community_id"),
)

station_visits_table = Table(
    "station_visits",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("station_id", Integer, ForeignKey("stations.id"), nullable=False),
    Column("visited_at", DateTime, nullable=False),
    Column("service", String(32)),
    Column("member_id", Integer, ForeignKey("members.id")),
    Column("visitor_phone", String(11)),  # as the ledger wrote it, member or not: part of the visit's key
)

volunteer_records_table = Table(
    "volunteer_records",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("activity", String(200), nullable=False),
    Column("activity_on", Date, nullable=False),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("hours", Float, nullable=False),
    Column("category", String(100)),  # a known category's code, else the ledger's own words
    Column("community_id", Integer, ForeignKey("areas.id")),  # where the activity took place
)

# Demands and wishes (诉求台账), keyed by community and the ledger's own number: a later import moves one on.
demands_table = Table(
    "demands",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("number", String(50), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("community_id", Integer, ForeignKey("areas.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("resolved_on", Date),  # set exactly when the status is resolved
    Column("content", Text),  # at most formats.DEMANDS' 内容 width (500)
    Column("source", String(16)),
    Column("station_id", Integer, ForeignKey("stations.id")),  # NULL: none named, or not a known station
    Column("member_id", Integer, ForeignKey("members.id")),  # NULL: none named, or not a known member
    Column("satisfaction", String(24)),
    # per community and week: raised, and resolved
    Index("ix_demands_community_raised", "community_id", "raised_on"),
    Index("ix_demands_community_resolved", "community_id", "resolved_on"),
)

# The natural key of each activity table: a record is one row, however often its ledger is imported.
# The unique indexes lead with member (or station) and day, so they also serve the queries by those.
# A contact and a visit are keyed by all their columns (PRODUCT.md), a volunteer record by activity, day and member.
ACTIVITY_KEYS = {
    "contacts": ("member_id", "contacted_on", "side", "method", "liaison"),
    "station_visits": ("station_id", "visited_at", "service", "visitor_phone"),
    "volunteer_records": ("member_id", "activity_on", "activity"),
    "demands": ("community_id", "number"),
}


def natural_key(table: Table, keys: dict[str, tuple[str, ...]] = ACTIVITY_KEYS) -> list:
    """The key's expressions, nullable parts through coalesce: a missing method or visitor is part of the key."""
    return [
        func.coalesce(table.c[name], literal_column("''" if isinstance(table.c[name].type, String) else "0"))
        if table.c[name].nullable
        else table.c[name]
        for name in keys[table.name]
    ]


def delete_repeats(table: Table, keys: dict[str, tuple[str, ...]] = ACTIVITY_KEYS) -> Delete:
    """Delete every row but the first (lowest id) of each natural key (schema upgrades only: slow on millions)."""
    first = select(func.min(table.c.id)).group_by(*natural_key(table, keys))
    return delete(table).where(table.c.id.not_in(first))


ACTIVITY_TABLES = {
    table.name: table for table in (contacts_table, station_visits_table, volunteer_records_table, demands_table)
}
for _table in ACTIVITY_TABLES.values():
    Index(f"ux_{_table.name}_natural_key", *natural_key(_table), unique=True)

# Precomputed: every indicator's additive parts, per community and ISO week (refreshed on load). A new part is a new
# column: bump SCHEMA_VERSION with an upgrade that adds it.
weekly_stats_table = Table(
    "weekly_stats",
    metadata,
    Column("week_start", Date, primary_key=True),
    Column("community_id", Integer, ForeignKey("areas.id"), primary_key=True),
    *(
        Column(name, Float if name in FRACTIONAL_PARTS else Integer, nullable=False)
        for name in SUMMARY_COUNTS  # declared with the indicators in metrics/registry.py
    ),
)

# Sign-in accounts. `area` is the scope (区[/街道[/社区]], empty for the city); demo accounts go with the sample.
accounts_table = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("area", String(200), nullable=False, default=""),
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("demo", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
)

# Signed-in browsers: only a hash of each session's secret is kept, so a copy of the database signs nobody in.
sessions_table = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("user_agent", String(200), nullable=False, default=""),
    Index("ix_sessions_account", "account"),
)

# Wrong passwords in a row per name as typed (known or not) and per source (the client's address), so that a
# stranger can lock a name only for the address they try from; counted atomically, before a hash check ends.
sign_in_failures_table = Table(
    "sign_in_failures",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("source", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime),
)

# Who exported or revealed personal data, when, for which area, and how many rows (never the data itself).
audit_log_table = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("account", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("area", String(200), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("detail", String(200)),
    Index("ix_audit_log_at", "at"),
)

# A follow-up list: the members of an overdue or lost-contact list as a street or community account exported it, so
# that a later week can ask whether the list got worked (contacted since the export day). Member ids only; the
# list's area and week are the view it was exported from, `kind` the list (overdue, lost_contact), `purpose` the
# reason given for a full-phone export (NULL for the masked one). They go with the data they name.
follow_up_lists_table = Table(
    "follow_up_lists",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("area", String(200), nullable=False),
    Column("week_start", Date, nullable=False),  # the ISO week's Monday
    Column("kind", String(16), nullable=False),
    Column("account", String(64), nullable=False),
    Column("exported_at", DateTime, nullable=False),  # local time, Asia/Shanghai, stored naive
    Column("exported_on", Date, nullable=False),  # its day: contacts dated on or after it count as follow-up
    Column("purpose", String(16)),
    Column("members", Integer, nullable=False),
    Index("ix_follow_up_lists_exported_on", "exported_on"),
)

follow_up_members_table = Table(
    "follow_up_members",
    metadata,
    Column("list_id", BigInteger().with_variant(Integer, "sqlite"), ForeignKey("follow_up_lists.id"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), primary_key=True),
    Index("ix_follow_up_members_member", "member_id"),
)
FOLLOW_UP_TABLES = (follow_up_lists_table, follow_up_members_table)  # parents first

# Every file (or sheet) an import read, and what became of its rows. `account` is the signed-in account, or NULL for
# the command line; `complete` marks a members ledger imported as the complete roster of its areas.
imports_table = Table(
    "imports",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", DateTime, nullable=False),  # local time, Asia/Shanghai, stored naive
    Column("account", String(64)),
    Column("file", String(300), nullable=False),  # as reported: a workbook's sheet is file › sheet
    Column("ledger", String(32)),  # the ledger's kind; NULL when the file could not be read
    Column("rows", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("new", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("repeated", Integer, nullable=False),
    Column("complete", Boolean, nullable=False, default=False),
    Column("error", String(32)),  # why the file could not be read (ledgers.errors' code), else NULL
    Index("ix_imports_at", "at"),
)

# Each change an import made to a member's 状态, 所在社区, 联系人 or 流动类型 (or a complete roster's marking of a
# member it did not list): the field, its old and new value as stored (codes, community ids as text), and when.
member_changes_table = Table(
    "member_changes",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("field", String(16), nullable=False),
    Column("old", String(200)),
    Column("new", String(200)),
    Column("import_id", BigInteger().with_variant(Integer, "sqlite"), ForeignKey("imports.id")),
    Column("changed_on", Date, nullable=False),
    Index("ix_member_changes_member", "member_id"),
    Index("ix_member_changes_changed_on", "changed_on"),
)

# An outside list (外部名单) loaded to reconcile the roster with (底数清): one row per file (or sheet) and 来源, written
# by the import itself (the `imports` row of the file comes after it). `communities` is how many communities it
# covers: those its rows name, or, for a row without 所在社区, the community of our member with that phone.
external_lists_table = Table(
    "external_lists",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", DateTime, nullable=False),  # local time, Asia/Shanghai, stored naive
    Column("account", String(64)),  # the signed-in account, NULL for the command line
    Column("file", String(300), nullable=False),  # as reported: a workbook's sheet is file › sheet
    Column("source", String(50), nullable=False),  # 来源 as written (free text, formats.EXTERNAL's width)
    Column("rows", Integer, nullable=False),
    Column("communities", Integer, nullable=False),
)

# What matching an outside list by 手机号 found: one item per phone of the list (agreed, differs, theirs_only) and
# per active member of a covered community the list lacks (ours_only). `community_id` is the queue it belongs to (our
# member's community when we have the phone, else the list's); `listed_community_id` what the list wrote. The three
# states other than agreed are the 待核实 queue: open while `resolution` is NULL or pending; `superseded_by` is the
# later list of the same 来源 for the same community that replaced an item still open.
external_items_table = Table(
    "external_items",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("list_id", BigInteger().with_variant(Integer, "sqlite"), ForeignKey("external_lists.id"), nullable=False),
    Column("source", String(50), nullable=False),
    Column("state", String(16), nullable=False),  # agreed, differs, ours_only, theirs_only
    Column("difference", String(32)),  # differs: which of name, community, status (joined by ",")
    Column("name", String(50)),  # as the list wrote it (NULL for ours_only)
    Column("phone", String(11), nullable=False),
    Column("community_id", Integer, ForeignKey("areas.id"), nullable=False),
    Column("listed_community_id", Integer, ForeignKey("areas.id")),
    Column("member_id", Integer, ForeignKey("members.id")),
    Column("created_on", Date, nullable=False),  # the day the list was loaded: an open item's age counts from it
    Column("resolution", String(16)),  # confirmed, corrected, not_ours, not_mobile, pending; NULL while untouched
    Column("note", String(200)),
    Column("resolved_by", String(64)),
    Column("resolved_at", DateTime),  # local time, Asia/Shanghai, stored naive
    Column("superseded_by", BigInteger().with_variant(Integer, "sqlite"), ForeignKey("external_lists.id")),
    Index("ix_external_items_community", "community_id"),
    Index("ix_external_items_phone", "phone"),
)
EXTERNAL_TABLES = (external_lists_table, external_items_table)  # parents first

# The tables about the records, which go when the records go (a new sample, a cleared database), parents first
TABLES_ABOUT_RECORDS = (*FOLLOW_UP_TABLES, imports_table, member_changes_table, *EXTERNAL_TABLES)

# Tables in the order they are filled (parents first), as loaded by data_access.loading.
DATA_TABLES = (
    areas_table,
    members_table,
    contacts_table,
    stations_table,
    station_visits_table,
    volunteer_records_table,
    demands_table,
)
