"""The ledger formats users keep (PRODUCT.md "Ledger formats"): headers, rules and rejection reasons.

This module is the public contract of import and export, and the templates are built from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from metrics import columns as c


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, phone, date, datetime, number, choice, community, station; linked_station and linked_member
    # name an optional station or member: an unknown one is stored as NULL, with a warning
    required: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # Chinese word -> stored code
    rule: str = ""
    aliases: tuple[str, ...] = ()  # other headers clerks write for this column
    other: str | None = None  # optional list: an unknown value is kept as this word, with a warning
    max_length: int | None = None  # text: the database column's width

    @property
    def words(self) -> dict[str, str]:
        """Stored code -> the users' word, as exports and screens show a code."""
        return {code: word for word, code in self.choices.items()}


@dataclass(frozen=True)
class Ledger:
    kind: str  # the table it fills
    title: str
    columns: tuple[Column, ...]
    example: tuple[str, ...]
    key: tuple[str, ...] = ()  # the fields that make a record: a later row of a file with the same key repeats it
    repeat_rejected: bool = False  # a repeated key is rejected (a 手机号 or 站点名称 names one thing) not counted once

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(col.header for col in self.columns)

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(col.header for col in self.columns if col.required)

    @property
    def words(self) -> dict[str, dict[str, str]]:
        """Field -> (stored code -> the users' word), for each column with a list of words."""
        return {col.field: col.words for col in self.columns if col.choices}


def _choices(words: tuple[str, ...], codes: tuple[str, ...]) -> dict[str, str]:
    return dict(zip(words, codes, strict=True))


FLOW_TYPES = _choices(("流入", "流出"), c.FLOW_TYPES)
STATUSES = _choices(("在册", "已返回", "已转出", "失联"), c.STATUSES)
CHANNELS = _choices(("扫码报到", "入户摸排", "大数据核查", "组织介绍", "其他"), c.CHANNELS)
OCCUPATIONS = _choices(
    ("外卖骑手", "快递员", "网约车司机", "货车司机", "企业职工", "个体经营", "离退休", "其他"), c.OCCUPATIONS
)
SIDES = _choices(("流出地党组织", "流入地党组织", "党员主动"), c.SIDES)
METHODS = _choices(("电话", "微信", "上门走访", "活动见面", "其他"), (*c.METHODS, c.OTHER))
STATION_KINDS = _choices(("报到服务站", "党群服务中心", "红色驿站", "7×24H驿站", "其他"), c.STATION_KINDS)
SERVICES = _choices(("歇脚", "饮水", "充电", "阅览", "学习", "报到", "诉求反映", "其他"), c.SERVICES)
GENDERS = {"男": "M", "女": "F"}
VOLUNTEER_CATEGORIES = _choices(
    ("社区治理", "矛盾调解", "文明创建", "扫雪除冰", "关爱老人", "防溺水宣传", "党员义务奉献日", "其他"),
    c.VOLUNTEER_CATEGORIES,
)
DEMAND_KINDS = _choices(("诉求", "微心愿"), c.DEMAND_KINDS)
DEMAND_STATUSES = _choices(("已受理", "办理中", "已办结", "已撤销"), c.DEMAND_STATUSES)
DEMAND_SOURCES = _choices(("驿站", "走访", "电话", "线上", "活动", "其他"), c.DEMAND_SOURCES)
SATISFACTIONS = _choices(("满意", "基本满意", "不满意"), c.SATISFACTIONS)

# A text cell starting with one of these is written out with an apostrophe in front (cli.py export): a spreadsheet
# would run it as a formula (tab and CR too, and the full-width forms some take for the half-width ones), or, for
# the apostrophe itself, would hide it. Reading takes exactly that one apostrophe off again, so an exported ledger
# imports as the same values.
QUOTED_START = "=+-@\t\r＝＋－＠'"

DATE_RULE = "日期，可写 2026-11-05、2026/11/5、2026年11月5日、20261105，或 Excel 日期单元格"
PHONE_RULE = "11位大陆手机号"
OTHER = "其他"
PHONE_ALIASES = ("手机号码", "联系电话", "电话", "手机")
COMMUNITY_ALIASES = ("所在社区（村）", "所属社区")
COMMUNITY_RULE = "社区名称；若社区名在多个街道重复，写成 区/街道/社区"

AREAS = Ledger(
    "areas",
    "区划",
    (
        Column(
            "区",
            "district",
            "area_name",
            required=True,
            rule="区名，如 江汉区",
            aliases=("区县", "县区"),
            max_length=50,
        ),
        Column(
            "街道",
            "street",
            "area_name",
            required=True,
            rule="街道名，如 北湖街道",
            aliases=("街道（乡镇）", "乡镇"),
            max_length=50,
        ),
        Column(
            "社区",
            "community",
            "area_name",
            required=True,
            rule="社区名，如 环保社区",
            aliases=("社区（村）",),
            max_length=50,
        ),
        Column("经度", "lon", "number", rule="社区中心经度（WGS-84），73–136"),
        Column("纬度", "lat", "number", rule="社区中心纬度（WGS-84），3–54"),
    ),
    ("江汉区", "北湖街道", "环保社区", "114.2671", "30.6032"),
    key=("district", "street", "community"),
)

STATIONS = Ledger(
    "stations",
    "服务站点",
    (
        Column("站点名称", "name", "text", required=True, rule="站点全称，不可重复", aliases=("站点",), max_length=100),
        Column("所在社区", "community_id", "community", required=True, rule=COMMUNITY_RULE, aliases=COMMUNITY_ALIASES),
        Column("经度", "lon", "number", required=True, rule="经度（WGS-84）"),
        Column("纬度", "lat", "number", required=True, rule="纬度（WGS-84）"),
        Column("站点类型", "kind", "choice", choices=STATION_KINDS, other=OTHER),
        Column("启用日期", "opened_on", "date", rule=DATE_RULE, aliases=("启用时间",)),
        Column("服务项目", "services", "services", rule="用顿号“、”分隔：" + "、".join(SERVICES), other=OTHER),
    ),
    ("环保社区党群服务中心", "环保社区", "114.2671", "30.6032", "党群服务中心", "2024-03-01", "歇脚、饮水、充电"),
    key=("name",),
    repeat_rejected=True,
)

MEMBERS = Ledger(
    "members",
    "流动党员台账",
    (
        Column("姓名", "name", "text", required=True, aliases=("党员姓名",), max_length=50),
        Column(
            "手机号",
            "phone",
            "phone",
            required=True,
            rule=PHONE_RULE + "；同一手机号视为同一人，再次导入即更新",
            aliases=PHONE_ALIASES,
        ),
        Column("流动类型", "flow_type", "choice", required=True, choices=FLOW_TYPES),
        Column("所在社区", "community_id", "community", required=True, rule=COMMUNITY_RULE, aliases=COMMUNITY_ALIASES),
        Column("报到日期", "registered_on", "date", required=True, rule=DATE_RULE, aliases=("报到时间", "登记日期")),
        Column("性别", "gender", "choice", choices=GENDERS),
        Column("出生日期", "birth_date", "date", rule=DATE_RULE),
        Column("党组织关系所在地", "home_org", "text", max_length=200),
        Column("工作单位", "employer", "text", max_length=200),
        Column("职业类别", "occupation", "choice", choices=OCCUPATIONS, other=OTHER, aliases=("职业",)),
        Column("报到方式", "channel", "choice", choices=CHANNELS, other=OTHER),
        Column("联系人", "liaison", "text", rule="专属联系人姓名", aliases=("专属联系人",), max_length=50),
        Column("状态", "status", "choice", choices=STATUSES, rule="不填视为 在册"),
        Column("经度", "lon", "number", rule="居住地经度（WGS-84）"),
        Column("纬度", "lat", "number", rule="居住地纬度（WGS-84）"),
        Column(
            "核实日期",
            "verified_on",
            "date",
            rule=DATE_RULE
            + "；最近一次与本人核实信息的日期，不晚于今天、不早于报到日期；不填或早于已有的核实日期时保留已有的",
            aliases=("核实时间", "最近核实日期"),
        ),
    ),
    (
        "张三",
        "13800138000",
        "流入",
        "环保社区",
        "2026-11-05",
        "男",
        "1990-01-01",
        "孝感市孝南区某镇党委",
        "美团外卖",
        "外卖骑手",
        "扫码报到",
        "网格员李四",
        "在册",
        "114.2671",
        "30.6032",
        "2026-11-20",
    ),
    key=("phone",),
    repeat_rejected=True,
)

CONTACTS = Ledger(
    "contacts",
    "联系记录",
    (
        Column(
            "手机号", "member_id", "member", required=True, rule=PHONE_RULE + "，须已在台账中", aliases=PHONE_ALIASES
        ),
        Column("联系日期", "contacted_on", "date", required=True, rule=DATE_RULE, aliases=("联系时间",)),
        Column("联系方", "side", "choice", required=True, choices=SIDES),
        Column("联系方式", "method", "choice", choices=METHODS, other=OTHER),
        Column("联系人", "liaison", "text", max_length=50),
    ),
    ("13800138000", "2026-11-10", "流入地党组织", "电话", "网格员李四"),
    key=("member_id", "contacted_on", "side", "method", "liaison"),
)

STATION_VISITS = Ledger(
    "station_visits",
    "驿站服务记录",
    (
        Column("站点名称", "station_id", "station", required=True, rule="须已在服务站点中"),
        Column("服务时间", "visited_at", "datetime", required=True, rule="日期和时间，如 2026-11-10 12:30"),
        Column("服务项目", "service", "choice", choices=SERVICES, other=OTHER),
        Column(
            "手机号",
            "visitor_phone",
            "visitor",
            rule="来访者为党员时填写；未匹配到党员时按非党员记录保存",
            aliases=PHONE_ALIASES,
        ),
    ),
    ("环保社区党群服务中心", "2026-11-10 12:30", "充电", "13800138000"),
    key=("station_id", "visited_at", "service", "visitor_phone"),
)

VOLUNTEER = Ledger(
    "volunteer_records",
    "志愿服务记录",
    (
        Column("活动名称", "activity", "text", required=True, max_length=200),
        Column("活动日期", "activity_on", "date", required=True, rule=DATE_RULE),
        Column(
            "手机号", "member_id", "member", required=True, rule=PHONE_RULE + "，须已在台账中", aliases=PHONE_ALIASES
        ),
        Column("时长", "hours", "number", required=True, rule="小时，大于 0、不超过 24"),
        Column(
            "活动类别",
            "category",
            "category",
            choices=VOLUNTEER_CATEGORIES,
            rule="自由填写，如 关爱老人",
            max_length=100,
        ),
        Column("所在社区", "community_id", "community", rule=COMMUNITY_RULE, aliases=COMMUNITY_ALIASES),
    ),
    ("环保社区文明创建", "2026-11-12", "13800138000", "2.5", "文明创建", "环保社区"),
    key=("activity", "activity_on", "member_id"),
)

DEMANDS = Ledger(
    "demands",
    "诉求台账",
    (
        Column(
            "编号",
            "number",
            "text",
            required=True,
            rule="社区内不重复；再次导入同一社区同一编号即更新（如办理状态）",
            aliases=("诉求编号", "心愿编号", "编码"),
            max_length=50,
        ),
        Column("类型", "kind", "choice", required=True, choices=DEMAND_KINDS, aliases=("诉求类型",)),
        Column(
            "提出日期", "raised_on", "date", required=True, rule=DATE_RULE, aliases=("提出时间", "反映日期", "反映时间")
        ),
        Column("所在社区", "community_id", "community", required=True, rule=COMMUNITY_RULE, aliases=COMMUNITY_ALIASES),
        Column(
            "状态",
            "status",
            "choice",
            required=True,
            choices=DEMAND_STATUSES,
            aliases=("办理状态", "办理情况"),
        ),
        Column(
            "办结日期",
            "resolved_on",
            "date",
            rule="状态为 已办结 时必填，其他状态不填；不早于提出日期",
            aliases=("办结时间", "完成日期", "完成时间"),
        ),
        Column("内容", "content", "text", aliases=("诉求内容", "心愿内容", "诉求事项"), max_length=500),
        Column("来源", "source", "choice", choices=DEMAND_SOURCES, other=OTHER, aliases=("诉求来源", "渠道")),
        Column(
            "站点名称",
            "station_id",
            "linked_station",
            rule="经服务站点受理时填写；未找到的站点只提示，不关联",
            aliases=("站点", "服务站点"),
        ),
        Column(
            "手机号",
            "member_id",
            "linked_member",
            rule="提出诉求或认领心愿的党员；未找到的只提示，不关联",
            aliases=PHONE_ALIASES,
        ),
        Column("满意度", "satisfaction", "choice", choices=SATISFACTIONS, aliases=("群众满意度", "评价")),
    ),
    (
        "SQ2026001",
        "诉求",
        "2026-11-05",
        "环保社区",
        "已办结",
        "2026-11-08",
        "楼道灯不亮，希望尽快维修",
        "驿站",
        "环保社区党群服务中心",
        "13800138000",
        "满意",
    ),
    key=("community_id", "number"),
)

# An outside list (外部名单) to check the roster against (底数清): importing one never changes members; it is matched
# by 手机号 and what differs goes to each community's 待核实 queue. 来源 is free text (systems and surveys are named
# differently in every city), the same words making the same source: a later list of a source for a community
# replaces the earlier one's open items there. A repeated 手机号 is rejected on its later rows (one phone, one person).
EXTERNAL_SOURCE_EXAMPLES = ("全国党员管理信息系统", "公安流动人口", "民政", "网格排查")
EXTERNAL = Ledger(
    "external_items",
    "外部名单",
    (
        Column("姓名", "name", "text", required=True, aliases=("党员姓名",), max_length=50),
        Column(
            "手机号",
            "phone",
            "phone",
            required=True,
            rule=PHONE_RULE + "；按手机号与台账比对，同一文件中不可重复",
            aliases=PHONE_ALIASES,
        ),
        Column(
            "所在社区",
            "community_id",
            "community",
            rule=COMMUNITY_RULE + "；不填时按台账中该手机号党员的社区",
            aliases=COMMUNITY_ALIASES,
        ),
        Column(
            "来源",
            "source",
            "text",
            required=True,
            rule="名单出自哪个系统或排查，自由填写，如 " + "、".join(EXTERNAL_SOURCE_EXAMPLES),
            aliases=("名单来源", "数据来源"),
            max_length=50,
        ),
    ),
    ("张三", "13800138000", "环保社区", "公安流动人口"),
    key=("phone",),
    repeat_rejected=True,
)

# The order import takes files in, parents first (an outside list last: it is matched against the roster as loaded)
LEDGERS = (AREAS, STATIONS, MEMBERS, CONTACTS, STATION_VISITS, VOLUNTEER, DEMANDS, EXTERNAL)
# The ledgers of our own records, which `cli.py export` writes out; an outside list is another system's, kept only to
# reconcile with
RECORD_LEDGERS = tuple(ledger for ledger in LEDGERS if ledger is not EXTERNAL)
BY_KIND = {ledger.kind: ledger for ledger in LEDGERS}

# Rejection reasons and warnings, in Chinese, for the report and the 原因 column
MISSING = "必填项为空"
BAD_PHONE = "手机号格式不对，应为11位大陆手机号"
BAD_DATE = "日期无法识别或不存在（可写 2026-11-05、2026/11/5、2026年11月5日、20261105）"
BAD_DATETIME = "服务时间无法识别（如 2026-11-10 12:30）"
BAD_NUMBER = "应为数字"
OUT_OF_RANGE = "数值超出范围（{rule}）"
NOT_ALLOWED = "取值不在允许范围内，可选：{choices}"
UNKNOWN_COMMUNITY = "找不到社区：{value}"
AMBIGUOUS_COMMUNITY = "社区名在多个街道重复，请写成 区/街道/社区，可能是：{candidates}"
UNKNOWN_STATION = "找不到站点：{value}（请先导入服务站点）"
UNKNOWN_MEMBER = "找不到该手机号的党员（请先导入流动党员台账）"
DUPLICATE_KEY = "{header}在本文件中重复（第 {first} 行已出现）"
DUPLICATE_PHONE = DUPLICATE_KEY.replace("{header}", "手机号")
REPEAT = "与第 {first} 行重复，只计一次"
BAD_PHONE_PREFIX = "不是大陆手机号段（11位，以 13–19 开头）"
BAD_ENCODING = "含无法识别的字符（文件编码应为 UTF-8 或 GBK），请检查原文件"
TOO_LONG = "过长（最多 {limit} 个字）"
DATE_IN_FUTURE = "日期晚于今天（{today}）"
DATE_TOO_EARLY = "日期早于 {earliest}"
KEPT_AS_OTHER = "“{value}”不在可选范围内（{choices}），已记为 其他"
SLASH_IN_NAME = "名称不能含“/”（“/”用来分隔 区/街道/社区）"
# A 联系记录 row with 联系日期 and 联系方 both blank: a member of an exported follow-up list nobody has contacted yet.
# Counted as rejected (every row read is accepted, rejected or a repeat), with this one reason instead of two
# 必填项为空, and reported apart, as a row still to fill, not a mistake.
UNFILLED = "联系日期、联系方均未填写（名单中尚未联系的党员），本行未导入；联系后填上再导入即可"
UNFILLED_HEADERS = ("联系日期", "联系方")

RESOLVED_WITHOUT_DATE = "状态为 已办结 时必须填写办结日期"
DATE_WITHOUT_RESOLVED = "状态不是 已办结，不应填写办结日期"
RESOLVED_BEFORE_RAISED = "办结日期早于提出日期"
VERIFIED_BEFORE_REGISTERED = "核实日期早于报到日期"
UNKNOWN_STATION_KEPT = "找不到站点：{value}，已保存，未关联站点"
UNKNOWN_MEMBER_KEPT = "找不到该手机号的党员，已保存，未关联党员"

# An outside list's row that no community's queue can take: no 所在社区, and the phone is no member of ours
EXTERNAL_NO_COMMUNITY = "未填所在社区，且台账中没有该手机号的党员，无法分到社区核实；请填写所在社区"

NON_MEMBER_VISIT = "手机号未匹配到党员，已按非党员服务记录保存"
REASON_HEADER = "原因"
ROW_HEADER = "行号"
REPORT_HEADERS = (ROW_HEADER, REASON_HEADER)  # the rejected-rows workbook's own columns: ignored when it is imported
EARLIEST_DATE = date(2000, 1, 1)  # activity and registration dates before it are typing mistakes
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# Templates
TEMPLATE_NOTES = "说明"
TEMPLATE_COLUMN = "列名"
TEMPLATE_REQUIRED = "必填"
TEMPLATE_RULE = "填写规则"
TEMPLATE_ALIASES = "也可写作"
YES = "是"
