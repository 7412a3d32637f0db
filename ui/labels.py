"""Every Chinese string the user sees, in one module (an English locale is one file away)."""

APP_TITLE = "流动党员管理服务分析"
SYNTHETIC_BANNER = "示例数据，均为合成"
NO_DATA = "暂无数据。可运行 python cli.py sample --size demo 生成示例数据，或在“数据导入”页导入台账。"
CITY = "武汉市"

# The 14 indicators of the weekly report
INDICATOR_LABELS = {
    "active_members": "在册流动党员",
    "new_registrations": "新增报到",
    "contact_coverage": "联系覆盖率",
    "overdue": "超期未联系",
    "lost_contact": "失联风险",
    "three_way_complete": "三联齐全率",
    "contacts_per_member_30d": "人均联系次数（30天）",
    "liaison_coverage": "专属联系人覆盖率",
    "station_coverage": "驿站服务覆盖率",
    "station_visits": "驿站服务人次",
    "idle_stations": "闲置驿站",
    "volunteer_hours": "志愿服务时长（小时）",
    "volunteer_participants": "志愿服务参与人数",
    "volunteer_participation_rate": "志愿服务参与率",
}
RATE_INDICATORS = frozenset(
    {"contact_coverage", "three_way_complete", "liaison_coverage", "station_coverage", "volunteer_participation_rate"}
)

# Command line
CLI_REPORT_HEADER = ("指标", "本周", "上周", "变化")
CLI_REPORT_TITLE = "{area} · {week}（{start} 至 {end}）"
CLI_EMPTY_DATABASE = "提示：数据库中还没有数据。运行 python cli.py sample --size demo 可生成示例数据。"
CLI_SYNTHETIC_NOTE = "注意：以上为合成的示例数据。"
CLI_BAD_WEEK = "周次格式不正确：{value}。请写成 2026-W46 这样的 ISO 周（年-W周数）。"
CLI_BAD_DATE = "日期格式不正确：{value}。请写成 2026-11-22。"
CLI_BAD_AREA = "区域写法不正确：{value}。请写成 区/街道/社区，例如 江汉区/北湖街道/环保社区。"
CLI_UNKNOWN_AREA = "找不到区域：{value}。"
CLI_AREA_SUGGESTIONS = "您是不是要找：{names}"
CLI_NO_SUGGESTIONS = "可用的区（部分）：{names}"
CLI_SAMPLE_DONE = "已生成{size}示例城市（合成数据）：{rows}"
CLI_PROGRESS = "{stage}：{done:,}/{total:,}"
LOAD_STAGES = {
    "generate": "生成合成数据",
    "areas": "写入区划",
    "members": "写入党员台账",
    "contacts": "写入联系记录",
    "stations": "写入服务站点",
    "station_visits": "写入驿站服务记录",
    "volunteer_records": "写入志愿服务记录",
    "weekly_stats": "计算每周指标（周）",
}

# Database problems (DataAccessError codes)
DATABASE_ERRORS = {
    "unreachable": "无法连接数据库，请检查 --db 或 DATABASE_URL 设置。",
    "schema_newer": "该数据库由更新版本的程序创建，本程序无法读取。请升级程序。",
    "schema_unknown": "该数据库不是本程序的数据库（或结构无法识别），已拒绝读取，以免误读数据。",
    "query_failed": "查询数据库时出错，请稍后重试或联系管理员。",
}
DATABASE_ERROR_FALLBACK = "数据库出错，请联系管理员。"

# Dashboard
PAGE_OVERVIEW = "总览"
FIRST_RUN_BUILDING = "首次启动：正在生成示例城市（合成数据）……"
PREVIOUS_WEEK = "上周：{value}"
PERCENTAGE_POINTS = "{change:+.1f} 个百分点"
WEEK_CAPTION = "{area} · {week}（{start} 至 {end}）"
INDICATOR_GROUPS = {
    "报到": ("active_members", "new_registrations"),
    "联系": (
        "contact_coverage",
        "overdue",
        "lost_contact",
        "three_way_complete",
        "contacts_per_member_30d",
        "liaison_coverage",
    ),
    "服务": ("station_coverage", "station_visits", "idle_stations"),
    "志愿": ("volunteer_hours", "volunteer_participants", "volunteer_participation_rate"),
}

# Import and export (command line and the 数据导入 page)
IMPORT_FILE_SUMMARY = "{file}（{ledger}）：接收 {accepted:,} 行，拒绝 {rejected:,} 行"
IMPORT_REJECTION = "  第 {row} 行 {column}：{reason}"
IMPORT_WARNING = "  提示 第 {row} 行 {column}：{reason}"
IMPORT_MORE = "  ……另有 {count:,} 条，完整清单请用 --json 或在“数据导入”页下载"
IMPORT_UNREADABLE = "{file}：无法读取该文件（支持 .xlsx 和 UTF-8/GBK 编码的 .csv）。"
IMPORT_EMPTY = "{file}：文件是空的。"
IMPORT_UNKNOWN_KIND = "{file}：无法识别台账类型，表头为：{headers}。各台账至少应有以下表头：\n{expected}"
IMPORT_SYNTHETIC = (
    "该数据库中是合成的示例数据，真实台账不能与之混合。请用 --db 指向一个新数据库"
    "（例如 --db sqlite:///data/real.sqlite），或加 --replace-sample 先删除示例数据。"
)
IMPORT_CONFIRM_REPLACE = "将删除数据库中的全部示例数据，输入 yes 确认："
IMPORT_NOT_CONFIRMED = "未确认，已取消导入，数据库未改动。（非交互运行时可加 --yes）"
IMPORT_PROGRESS = "读取 {file}：第 {row:,} 行"
LEDGER_TITLES = {
    "areas": "区划",
    "stations": "服务站点",
    "members": "流动党员台账",
    "contacts": "联系记录",
    "station_visits": "驿站服务记录",
    "volunteer_records": "志愿服务记录",
}
EXPORT_DONE = "已导出 {count} 个台账到 {folder}"
EXPORT_FILE = "  {file}：{rows:,} 行"

# 数据导入 page
PAGE_IMPORT = "数据导入"
IMPORT_TITLE = "数据导入"
IMPORT_INTRO = "上传流动党员台账、联系记录等 Excel（.xlsx）或 CSV 文件，可一次上传多个，系统按表头自动识别台账类型。"
IMPORT_LIMIT = "单个文件不超过 {mb} MB。CSV 可为 UTF-8 或 GBK 编码。"
IMPORT_TEMPLATES = "下载导入模板（含填写说明）"
IMPORT_UPLOAD = "选择台账文件"
IMPORT_HINT = "请先选择文件。同一文件重复导入不会产生重复数据。"
IMPORT_TOO_LARGE = "{file} 超过 {mb} MB，未导入。"
IMPORT_PREVIEW = "{file} · 识别为：{ledger}（前 5 行）"
IMPORT_SYNTHETIC_WARNING = "当前数据库中是合成的示例数据。导入真实台账前必须删除示例数据。"
IMPORT_REPLACE_CONFIRM = "我确认删除全部示例数据，再导入这些文件"
IMPORT_START = "开始导入"
IMPORT_RUNNING = "正在导入……"
IMPORT_DONE = "导入完成"
IMPORT_REPORT_COLUMNS = {
    "file": "文件",
    "ledger": "台账",
    "accepted": "接收行数",
    "rejected": "拒绝行数",
    "warnings": "提示",
}
IMPORT_REJECTIONS_OF = "{file} 被拒绝的行"
IMPORT_DOWNLOAD_REJECTED = "下载 {file} 的被拒绝行（含原因，修改后可重新导入）"
IMPORT_WARNINGS_OF = "{file} 的提示"
REJECTION_COLUMNS = {"row": "行号", "column": "列", "reason": "原因"}

# Navigation (every page's title and place)
PAGE_MAP = "覆盖地图"
PAGE_CONTACTS = "联系情况"
PAGE_STATIONS = "驿站服务"
PAGE_VOLUNTEER = "志愿服务"
PAGE_AREAS = "区域下钻"
PAGE_REVIEW = "周例会"
NAV_SECTION_ANALYSIS = "分析"
NAV_SECTION_MEETING = "会议与数据"

# Sidebar pickers (every page)
PICK_WEEK = "周次"
PICK_DISTRICT = "区"
PICK_STREET = "街道"
PICK_COMMUNITY = "社区"
PICK_ALL = "全部"
WEEK_OPTION = "{week}（{start:%m.%d}–{end:%m.%d}）"
BAD_WEEK_IN_URL = "链接中的周次“{value}”无法识别或不在数据范围内，已显示默认周次 {default}。"
BAD_AREA_IN_URL = "链接中的区域“{value}”不存在，已显示{default}。"
AREA_EMPTY = "{area}暂无在册流动党员。可在侧栏选择其他区域，或在“数据导入”页导入台账。"
BREADCRUMB_SEPARATOR = " › "

# Charts: axis titles shared by several charts
AXIS_WEEK = "周次"
AXIS_MEMBERS = "人数"
AXIS_COUNT = "次数"
AXIS_HOURS = "小时"

# 总览
OVERVIEW_TRENDS = "近 12 周走势"
OVERVIEW_CHILDREN = "下级区域对比"
OVERVIEW_RANK_COVERAGE = "哪些{level}联系覆盖率偏低"
OVERVIEW_RANK_OVERDUE = "哪些{level}超期未联系人数最多"
OVERVIEW_LAGGING_NOTE = "红色为排名靠后的四分之一。"
OVERVIEW_CHANNELS = "本周新增报到从哪些渠道来"
OVERVIEW_NO_REGISTRATIONS = "本周没有新增报到。"
TREND_TITLE = "{indicator}：近 12 周"
LEVEL_NAMES = {"district": "区", "street": "街道", "community": "社区"}
CHANNEL_LABELS = {
    "qr_scan": "扫码报到",
    "door_survey": "入户摸排",
    "data_check": "大数据核查",
    "org_intro": "组织介绍",
    "other": "其他",
}
AXIS_REGISTRATIONS = "新增报到（人）"

# Column names as shown in tables and on axes (applied just before display)
COLUMN_LABELS = {
    "path": "区域",
    "name": "名称",
    "channel": "报到方式",
    **INDICATOR_LABELS,
}
