"""Every Chinese string the user sees, in one module (an English locale is one file away)."""

APP_TITLE = "流动党员管理服务分析"
SYNTHETIC_BANNER = "示例数据，均为合成"
NO_DATA = "暂无数据。可运行 python cli.py sample --size demo 生成示例数据，或在“数据导入”页导入台账。"
CITY = "武汉市"

# The indicators of the weekly report, by their key in metrics/registry.py (tests/test_registry.py checks both ways)
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
    "demands_raised": "新增诉求",
    "demands_resolved": "办结诉求",
    "demand_resolution_rate": "诉求办结率",
    "demand_mean_days": "平均办结天数",
    "demands_overdue_open": "超期未办结诉求",
    "wishes_fulfilled": "圆梦微心愿",
    "demand_satisfaction_rate": "诉求满意率",
    "record_freshness_rate": "一人一档更新率",
}

# Command line
CLI_REPORT_HEADER = ("指标", "本周", "上周", "变化")
CLI_REPORT_TITLE = "{area} · {week}（{start} 至 {end}）"
CLI_FLOWS_TITLE = "本周变化（人）："
CLI_MOVERS_LINE = "{indicator} {change}：{areas}"
CLI_EMPTY_DATABASE = "提示：数据库中还没有数据。运行 python cli.py sample --size demo 可生成示例数据。"
CLI_SYNTHETIC_NOTE = "注意：以上为合成的示例数据。"
CLI_BAD_WEEK = "周次格式不正确：{value}。请写成 2026-W46 这样的 ISO 周（年-W周数）。"
CLI_BAD_MONTH = "月份格式不正确：{value}。请写成 2026-10 这样的年-月。"
CLI_BAD_DATE = "日期格式不正确：{value}。请写成 2026-11-22。"
CLI_BAD_AREA = "区域写法不正确：{value}。请写成 区/街道/社区，例如 江汉区/北湖街道/环保社区。"
CLI_UNKNOWN_AREA = "找不到区域：{value}。"
CLI_AREA_SUGGESTIONS = "您是不是要找：{names}"
CLI_NO_SUGGESTIONS = "可用的区（部分）：{names}"
CLI_SAMPLE_DONE = "已生成{size}示例城市（合成数据）：{rows}"
CLI_REFRESH_DONE = "已重新计算各周指标：{weeks} 周，用时 {seconds:.1f} 秒。"
CLI_PROGRESS = "{stage}：{done:,}/{total:,}"
LOAD_STAGES = {
    "generate": "生成合成数据",
    "areas": "写入区划",
    "members": "写入党员台账",
    "contacts": "写入联系记录",
    "stations": "写入服务站点",
    "station_visits": "写入驿站服务记录",
    "volunteer_records": "写入志愿服务记录",
    "demands": "写入诉求台账",
    "weekly_stats": "计算每周指标（周）",
    "weekly_stats_parts": "计算每周指标（分批）",
}

# Database problems (DataAccessError codes)
DATABASE_ERRORS = {
    "unreachable": "无法连接数据库，请检查 --db 或 DATABASE_URL 设置。",
    "schema_newer": "该数据库由更新版本的程序创建，本程序无法读取。请升级程序。",
    "schema_unknown": "该数据库不是本程序的数据库（或结构无法识别），已拒绝读取，以免误读数据。",
    "query_failed": "查询数据库时出错，请稍后重试或联系管理员。",
}
DATABASE_ERROR_FALLBACK = "数据库出错，请联系管理员。"
DATABASE_CONNECTING = "正在连接数据库……"

# Accounts (command line and sign-in)
ROLE_LABELS = {"city": "市级", "district": "区级", "street": "街道", "community": "社区", "clerk": "数据录入员"}
CLI_PASSWORD = "密码："
CLI_PASSWORD_AGAIN = "再输入一次密码："
CLI_PASSWORD_MISMATCH = "两次输入的密码不一致，未作改动。"
CLI_USER_NAME_NEEDED = "请给出用户名，例如 python cli.py user add 张三 --role street --area 江汉区/北湖街道"
CLI_USER_ROW = "{name}  {role}  {area}  {state}"
CLI_USER_DISABLED = "（已停用）"
CLI_SESSION_ROW = (
    "登录于 {created_at:%Y-%m-%d %H:%M}  最近活动 {last_seen:%Y-%m-%d %H:%M}  "
    "到期 {expires_at:%Y-%m-%d %H:%M}  {user_agent}"
)
CLI_SESSIONS_NONE = "{name} 当前没有登录会话。"
CLI_SESSIONS_ENDED = "已结束 {name} 的 {count} 个登录会话，这些浏览器需要重新登录。"
CLI_USER_DONE = {"add": "已创建用户 {name}。", "passwd": "已修改 {name} 的密码。", "disable": "已停用用户 {name}。"}
ACCOUNT_ERRORS = {
    "bad_name": "用户名不能为空。",
    "weak_password": "密码至少 8 位。",
    "bad_role": "角色不正确：{detail}。可选 city、district、street、community、clerk。",
    "area_for_role": "角色 {detail} 的 --area 层级不对：city 和 clerk 不写区域，district 写“区”，street 写“区/街道”，"
    "community 写“区/街道/社区”。",
    "unknown_area": "找不到区域：{detail}。",
    "exists": "用户 {detail} 已存在。",
    "unknown": "找不到用户 {detail}。",
    "denied": "用户名或密码不正确。",
    "locked": "密码错误次数过多，账号已锁定，请在 {detail} 之后再试，或联系管理员。",
    "disabled": "该账号已停用，请联系管理员。",
}

# Sign-in (every page)
SKIP_TO_CONTENT = "跳到主要内容"
PAGE_NOT_FOR_ACCOUNT = "本账号无此页面"
PAGE_NOT_FOR_ACCOUNT_NOTE = "这个链接指向的页面不对本账号开放（例如同事转来的市级页面）。如需查看，请联系管理员。"
PAGE_NOT_FOR_ACCOUNT_HOME = "返回首页"
SIGN_IN_TITLE = "登录"
SIGN_IN_NAME = "用户名"
SIGN_IN_PASSWORD = "密码"
SIGN_IN_BUTTON = "登录"
SIGN_IN_EXPIRED = "长时间未操作，已自动退出，请重新登录。"
SIGNED_OUT = "已退出登录。"
SIGN_OUT = "退出登录"
SIGNED_IN_AS = "{name}（{role}） · {area}"
SESSION_ENDED = {  # why the sign-in page is shown again (its ?m=)
    "expired": SIGN_IN_EXPIRED,
    "signed_out": SIGNED_OUT,
    "disabled": "该账号已停用或已在别处修改密码，请重新登录或联系管理员。",
    "ended": "登录已结束，请重新登录。",
}
SIGN_IN_NEEDED = "请先登录。正在前往登录页……"
SIGN_IN_GO = "前往登录页"
SIGN_IN_SAMPLE = "当前为示例数据（均为合成）。演示账号：{accounts}，密码均为 {password}。"
SIGN_IN_BAD_FORM = "登录表单已过期或来源不明，请重新输入用户名和密码。"
DOWNLOAD_REFUSED = "该下载只对发起导出的登录会话有效，或登录已结束。请在仪表盘中登录后重新导出。"
UPLOAD_NOT_ALLOWED = "只有市级账号和数据录入员登录后才能上传台账。"
UPLOAD_TOO_LARGE = "文件太大：每个文件最多 {mb} MB。"
UPLOAD_SESSION_FULL = "本页已上传的文件合计超过 {mb} MB，请先移除已导入的文件再上传。"
UPLOAD_SERVER_FULL = "服务器正在处理的上传文件太多，请稍后再试。"
SIGN_IN_NO_ACCOUNTS = "该数据库还没有任何账号。请管理员在服务器上创建第一个账号，例如："
SIGN_IN_CREATE_COMMAND = "python cli.py user add 管理员 --role city"

# Dashboard
PAGE_OVERVIEW = "总览"
FIRST_RUN_BUILDING = "首次启动：正在生成示例城市（合成数据）……"
FIGURES_REFRESHING = "上次导入后的每周指标尚未更新，正在重新计算……"
PREVIOUS_WEEK = "上周：{value}"
PERCENTAGE_POINTS = "{change} 个百分点"
WEEK_CAPTION = "{area} · {week}（{start} 至 {end}）"
# The overview's groups of indicators, by their key in metrics/registry.py
INDICATOR_GROUP_LABELS = {
    "registration": "报到",
    "contact": "联系",
    "service": "服务",
    "volunteer": "志愿",
    "demand": "诉求与微心愿",
    "record": "一人一档",
}

# What moved this week (metrics/movers.py): the member flows, by their key in metrics.registry.FLOWS
FLOW_LABELS = {
    "newly_registered": "新报到",
    "newly_overdue": "新增超期未联系",
    "recontacted": "超期后已联系",
    "newly_lost_contact": "新增失联风险",
    "newly_three_way_complete": "新实现三联齐全",
    "left_active": "不再在册",
}

OVERVIEW_MOVED = "本周变化"
MOVED_FLOWS_NOTE = "与上周末（{before}）相比，到本周末（{end}）在册党员的变化，单位：人。"
MOVED_PICK = "看哪项指标的变化来自哪里"
MOVED_CHART_TITLE = "{indicator} {change}：各{level}的贡献"
MOVED_SUMMARY = "**{indicator}** 本周 {change}。{parts}"
MOVED_UP = "升得最多：{areas}。"
MOVED_DOWN = "降得最多：{areas}。"
MOVED_NO_CHANGE = "各{level}都没有变化。"
MOVED_NO_FIGURE = "本周或上周没有这项指标的数据，无法拆分变化。"
MOVED_RULE = (
    "各{level}的贡献相加等于整体变化。人数类指标的贡献是该{level}自身的增减；比率的贡献按该{level}的分子、分母"
    "相对上周整体水平计算，规模变了而水平不变的{level}贡献为 0。"
)
MOVED_LIST_PICK = "查看名单"
MOVED_LIST_OPTION = "{flow}（{count:,}）"
MOVED_LIST_NOTE = "名单已脱敏，只列目前仍在册的党员。"
MOVED_LIST_EMPTY = "本周没有“{flow}”的党员。"
AXIS_PERCENTAGE_POINTS = "百分点"

# Import and export (command line and the 数据导入 page)
IMPORT_FILE_SUMMARY = (
    "{file}（{ledger}）：读取 {rows:,} 行，接收 {accepted:,} 行（新增 {new:,} 行，更新 {updated:,} 行，"
    "已存在 {unchanged:,} 行，未变），重复 {repeated:,} 行（只计一次），拒绝 {rejected:,} 行"
)
# Appended to IMPORT_FILE_SUMMARY when a 联系记录 file (a follow-up list sent back) has rows nobody filled in
IMPORT_UNFILLED = (
    "（其中 {unfilled:,} 行是名单中尚未联系的党员，联系日期、联系方未填写，不是错误：联系后填上再导入即可）"
)
IMPORT_UNFILLED_OF = (
    "{file}：{unfilled:,} 行未填写联系日期和联系方（名单中尚未联系的党员），未导入；下载被拒绝的行即得这份待联系名单。"
)
IMPORT_REPEAT = "  第 {row} 行与第 {same_as} 行重复，只计一次"
IMPORT_READ_AS = "  表头“{written}”按“{column}”读取"
IMPORT_IGNORED = "  表头“{columns}”不是{ledger}的列，已忽略（不影响导入）"
IMPORT_SKIPPED_SHEET = "{file}：这张工作表里没有台账表头，已跳过。"
IMPORT_REJECTION = "  第 {row} 行 {column}：{reason}"
IMPORT_WARNING = "  提示 第 {row} 行 {column}：{reason}"
IMPORT_MORE = "  ……另有 {count:,} 条，完整清单请用 --json 或在“数据导入”页下载"
IMPORT_UNREADABLE = "{file}：无法读取该文件（支持 .xlsx 和 UTF-8/GBK 编码的 .csv）。"
IMPORT_EMPTY = "{file}：文件为空。"
IMPORT_DUPLICATE_HEADER = "{file}：表头重复：{detail}。每列表头只能出现一次，请删去或改名后重新导入。"
IMPORT_BLANK_HEADER = (
    "{file}：第 {detail} 列有数据但没有表头（或表头是未计算的公式），请补上文字表头（或删去该列）后重新导入。"
)
IMPORT_FORMULA_HEADER = "{file}：表头是公式（{detail}），请改为文字后重新导入。"
# Past a limit of ledgers/limits.py; the figures come from ui.formatting.limit_figures().
IMPORT_UNZIPPED_TOO_LARGE = (
    "{file}：解压后约 {detail} MB，超过 {unzipped_mb} MB 的上限，未导入。请分成几个文件后重新导入。"
)
IMPORT_ZIP_BOMB = (
    "{file}：文件内容的压缩比异常（约 {detail} 倍，正常的表格不超过 {ratio} 倍），可能是恶意构造的文件，未导入。"
)
IMPORT_TOO_MANY_ROWS = (
    "{file}：数据至少有 {detail} 行，超过上限（每张工作表 {sheet_rows} 行，CSV {csv_rows} 行），未导入。"
    "请分成几个文件后重新导入。"
)
IMPORT_TOO_MANY_COLUMNS = "{file}：数据至少有 {detail} 列，超过 {columns} 列的上限，未导入。请删去多余的列后重新导入。"
IMPORT_TOO_MANY_CELLS = (
    "{file}：各工作表的数据区域（从 A1 到有内容的最后一行、最后一列）共 {detail} 个单元格，超过 {cells} 个的上限，"
    "未导入。请删去远处多余的内容，或分成几个文件后重新导入。"
)
IMPORT_LINE_TOO_LONG = "{file}：有一行超过 {line_mb} MB，不是台账的一行，未导入。请检查文件是否为正确的 CSV。"
IMPORT_OUT_OF_MEMORY = (
    "{file}：读取该文件所需内存超过 {memory_gb} GB 的上限（或读取时异常中止），未导入。请分成几个较小的文件后重新导入。"
)
IMPORT_TIMEOUT = "{file}：读取该文件超过 {seconds} 秒仍未完成，未导入。请分成几个较小的文件后重新导入。"
IMPORT_NEAR_MISS = "可能写错的表头：{hints}"
IMPORT_UNKNOWN_KIND = "{file}：无法识别台账类型，表头为：{headers}。各台账至少应有以下表头：\n{expected}"
IMPORT_SYNTHETIC = (
    "该数据库中是合成的示例数据，真实台账不能与之混合。请用 --db 指向一个新数据库"
    "（例如 --db sqlite:///data/real.sqlite），或加 --replace-sample 先删除示例数据。"
)
IMPORT_CONFIRM_REPLACE = "将删除数据库中的全部示例数据，输入 yes 确认："
IMPORT_NOT_CONFIRMED = "未确认，已取消导入，数据库未改动。（非交互运行时可加 --yes）"
IMPORT_PROGRESS = "读取 {file}：第 {row:,} 行"
IMPORT_REFUSED = {
    "admin_needed": "删除示例数据会同时删除全部示例账号。请用 --admin 用户名 指定第一个真实管理员（市级账号），"
    "密码从标准输入读取，例如：python cli.py import 区划.xlsx 台账.xlsx --replace-sample --admin 王管理员。"
    "数据库未改动。",
    "areas_needed": "这批文件中没有区划台账，而数据库中（删除示例数据后）没有任何区划，其他台账的每一行都会因"
    "“找不到社区”被拒绝。请把区划台账加入同一批文件（“数据导入”页可下载区划模板）。数据库未改动。",
}
IMPORT_ADMIN_WITHOUT_REPLACE = (
    "--admin 只与 --replace-sample 一起使用（删除示例数据时创建第一个管理员）；其他账号请用 python cli.py user add。"
)
IMPORT_ADMIN_CREATED = "已创建管理员账号 {name}（市级），示例账号已删除。"
LEDGER_TITLES = {
    "areas": "区划",
    "stations": "服务站点",
    "members": "流动党员台账",
    "contacts": "联系记录",
    "station_visits": "驿站服务记录",
    "volunteer_records": "志愿服务记录",
    "demands": "诉求台账",
    "external_items": "外部名单",
}
EXPORT_DONE = "已导出 {count} 个台账到 {folder}"
EXPORT_FILE = "  {file}：{rows:,} 行"

# 数据导入 page
PAGE_IMPORT = "数据导入"
IMPORT_TITLE = "数据导入"
IMPORT_INTRO = "上传流动党员台账、联系记录等 Excel（.xlsx）或 CSV 文件，可一次上传多个，系统按表头自动识别台账类型。"
IMPORT_LIMIT = (
    "单个文件不超过 {mb} MB。CSV 可为 UTF-8 或 GBK 编码。每张工作表不超过 {sheet_rows} 行，CSV 不超过 {csv_rows} 行，"
    "均不超过 {columns} 列；.xlsx 解压后不超过 {unzipped_mb} MB。"
)
IMPORT_TEMPLATES = "下载导入模板（含填写说明）"
IMPORT_UPLOAD = "选择台账文件"
IMPORT_UPLOAD_HELP = "把文件拖到下面的框里，或点框里的按钮选择文件；可一次选多个。"
IMPORT_HINT = "请先选择文件。同一文件重复导入不会产生重复数据。"
IMPORT_TOO_LARGE = "{file} 超过 {mb} MB，未导入。"
IMPORT_PREVIEW = "{file} · 识别为：{ledger}（前 5 行）"
IMPORT_SYNTHETIC_WARNING = "当前数据库中是合成的示例数据。导入真实台账前必须删除示例数据。"
IMPORT_REPLACE_CONFIRM = "我确认删除全部示例数据，再导入这些文件"
IMPORT_REPLACE_CITY_ONLY = "删除示例数据、导入真实台账须由市级管理员操作，请联系市级管理员。"
IMPORT_ADMIN_INTRO = (
    "删除示例数据会同时删除全部示例账号（包括当前登录的账号）。请先设置第一个真实管理员（市级）账号，"
    "导入后本页即改用该账号登录："
)
IMPORT_ADMIN_NAME = "管理员用户名"
IMPORT_ADMIN_PASSWORD = "管理员密码（至少 8 位）"
IMPORT_ADMIN_PASSWORD_AGAIN = "再输入一次管理员密码"
IMPORT_ADMIN_MISMATCH = "两次输入的管理员密码不一致，未作改动。"
IMPORT_ADMIN_SIGNED_IN = "已删除示例数据，并创建管理员账号 {name}（市级）；当前已改用该账号登录。"
IMPORT_START = "开始导入"
IMPORT_RUNNING = "正在导入……"
IMPORT_DONE = "导入完成"
IMPORT_REPORT_COLUMNS = {
    "file": "文件",
    "ledger": "台账",
    "rows": "读取行数",
    "new": "新增",
    "updated": "更新",
    "unchanged": "已存在未变",
    "repeated": "重复（只计一次）",
    "rejected": "拒绝",
    "warnings": "提示",
}
IMPORT_REPEATS_OF = "{file} 中重复的行（只计第一次）"
REPEAT_COLUMNS = {"row": "行号", "same_as": "与第几行重复"}
IMPORT_READ_AS_OF = "{file} 的表头识别：{read_as}"
IMPORT_REJECTIONS_OF = "{file} 被拒绝的行"
IMPORT_DOWNLOAD_REJECTED = "下载 {file} 的被拒绝行（含原因，修改后可重新导入）"
IMPORT_WARNINGS_OF = "{file} 的提示"
REJECTION_COLUMNS = {"row": "行号", "column": "列", "reason": "原因"}

# The import history, and what a members ledger changed (issue 17 §1)
IMPORT_HISTORY = "导入记录（最近 200 次，新的在前）"
IMPORT_HISTORY_EMPTY = "还没有导入记录。"
IMPORT_HISTORY_COLUMNS = {
    "at": "导入时间",
    "account": "账号",
    "file": "文件",
    "ledger": "台账",
    "rows": "读取行数",
    "accepted": "接受",
    "new": "新增",
    "updated": "更新",
    "rejected": "拒绝",
    "repeated": "重复",
    "complete": "完整名单",
    "error": "未能读取",
}
IMPORT_HISTORY_CLI = "命令行"
YES = "是"
IMPORT_COMPLETE = "流动党员台账是所列社区的完整名单"
IMPORT_COMPLETE_HELP = (
    "勾选后，台账所列社区中在册、但不在这份台账里的党员会列为“不在本次台账”，核实并确认后才改为所选状态。"
    "不勾选时不改动台账以外的任何人。"
)
IMPORT_CHANGES_OF = "{file} 与上次导入相比"
IMPORT_CHANGES_SUMMARY = "新增 {new:,} 人，状态变化 {status:,} 人，迁移社区 {moved:,} 人。"
IMPORT_STATUS_FLOW = "{old} → {new}：{members:,} 人"
IMPORT_CHANGE_LISTS = {
    "new": "新增党员名单",
    "status_changed": "状态变化名单",
    "moved": "迁移社区名单",
    "not_listed": "不在本次台账名单",
}
IMPORT_CHANGE_DOWNLOAD = "下载{title}（{count:,} 人，已脱敏）"
IMPORT_CHANGE_COLUMNS = {
    "name": "姓名",
    "phone": "手机号",
    "community_path": "所在社区",
    "old": "原值",
    "new": "新值",
}
IMPORT_NOT_LISTED = "不在本次台账：{count:,} 人（所列社区中在册，但这份完整名单里没有）。"
IMPORT_NOT_LISTED_NONE = "所列社区中没有不在这份完整名单里的在册党员。"
IMPORT_NOT_LISTED_REJECTED = (
    "注意：这份名单有 {count:,} 行被拒绝。被拒绝行里的党员（例如手机号写错的）也会列在这里，"
    "请先下载被拒绝的行核对、改正后重新导入，再标记。"
)
IMPORT_NOT_LISTED_STATUS = "核实后，把他们标记为"
IMPORT_NOT_LISTED_CONFIRM = "我已逐一核实，以上 {count:,} 人确实应改为所选状态"
IMPORT_NOT_LISTED_BUTTON = "确认标记"
IMPORT_NOT_LISTED_DONE = "已将 {count:,} 人标记为“{status}”，指标已重新计算。"
IMPORT_NOT_LISTED_CLI = "{file}：不在本次台账 {count:,} 人（所列社区中在册，但这份完整名单里没有）："
IMPORT_NOT_LISTED_ROW = "  {name}  {phone}  {community_path}"
IMPORT_NOT_LISTED_HOW = "  核实后，加 --mark-missing 已返回|已转出|失联 再导入同一文件，即把他们标记为该状态。"
IMPORT_MARK_CONFIRM = "将把以上 {count:,} 人标记为“{status}”，输入 yes 确认："
IMPORT_MARKED = "{file}：已将 {count:,} 人标记为“{status}”。"
IMPORT_MARK_WITHOUT_COMPLETE = "--mark-missing 只能与 --complete 一起使用。"
IMPORT_MARK_BAD_STATUS = "--mark-missing 只能是 已返回、已转出 或 失联。"
IMPORTS_EMPTY = "还没有导入记录。"
IMPORTS_ROW = (
    "{at}  {account}  {ledger}  {file}：读取 {rows:,} 行，接受 {accepted:,}（新增 {new:,}，更新 {updated:,}），"
    "拒绝 {rejected:,}，重复 {repeated:,}{complete}{error}"
)
IMPORTS_COMPLETE = "；完整名单"
IMPORTS_ERROR = "；未能读取：{reason}"
IMPORT_ERROR_SHORT = {
    "empty": "文件为空",
    "duplicate_header": "表头重复",
    "blank_header": "表头为空",
    "formula_header": "表头是公式",
    "too_large": "解压后过大",
    "zip_bomb": "压缩比异常",
    "too_many_rows": "行数超过上限",
    "too_many_columns": "列数超过上限",
    "too_many_cells": "单元格数超过上限",
    "line_too_long": "单行过长",
    "out_of_memory": "读取时内存超限",
    "timeout": "读取超时",
    "unknown_kind": "无法识别台账类型",
}
IMPORT_ERROR_OTHER = "无法读取"
# A member's history, under the revealed record
CHANGE_FIELDS = {
    "created": "首次导入",
    "status": "状态",
    "community_id": "所在社区",
    "liaison": "联系人",
    "flow_type": "流动类型",
    "verified_on": "核实日期",
}
MEMBER_HISTORY = "变更记录"
MEMBER_HISTORY_EMPTY = "没有变更记录（这条记录在建立变更记录之前导入，此后未变）。"
MEMBER_HISTORY_COLUMNS = {"changed_on": "日期", "field": "项目", "old": "原值", "new": "新值", "file": "来源文件"}
AUDIT_IMPORT_LIST = "导入记录 {import_id} 的{title}"

# Navigation (every page's title and place)
PAGE_MAP = "覆盖地图"
PAGE_CONTACTS = "联系情况"
PAGE_STATIONS = "驿站服务"
PAGE_VOLUNTEER = "志愿服务"
PAGE_DEMANDS = "诉求办理"
PAGE_AREAS = "区域下钻"
PAGE_REVIEW = "周例会"
NAV_SECTION_ANALYSIS = "分析"
NAV_SECTION_MEETING = "会议与数据"
PAGE_AUDIT = "审计日志"
PAGE_RECONCILE = "底数核查"
AUDIT_INTRO = "导出名单和查看党员完整信息的记录：谁、何时、哪个区域、多少条（不记录个人信息本身）。"
AUDIT_EMPTY = "还没有导出或查看个人信息的记录。"
AUDIT_ACTIONS = {
    "export": "导出名单",
    "export_full": "导出完整名单",
    "reveal": "查看完整信息",
    "reconcile_resolve": "核查外部名单",
    "export_registration": "导出待登记名单",
}
AUDIT_REVEALED_MEMBER = "党员编号 {member}"
AUDIT_RESOLVED_ITEM = "核查条目 #{item}：{resolution}"
AUDIT_COLUMNS = {"at": "时间", "account": "账号", "action": "操作", "area": "区域", "rows": "条数", "detail": "说明"}

# Sidebar pickers (every page)
PICK_WEEK = "周次"
PICK_DISTRICT = "区"
PICK_STREET = "街道"
PICK_COMMUNITY = "社区"
PICK_ALL = "全部"
PICK_PLACEHOLDER = "请选择"  # a picker with nothing chosen (Streamlit's own: "Choose an option")
WEEK_OPTION = "{week}（{start:%m.%d}–{end:%m.%d}）"
BAD_WEEK_IN_URL = "链接中的周次 {value} 无法识别或不在数据范围内，已显示默认周次 {default}。"
BAD_AREA_IN_URL = "链接中的区域 {value} 不存在，已显示{default}。"
AREA_EMPTY = "{area}暂无在册流动党员。可在侧栏选择其他区域，或在“数据导入”页导入台账。"
BREADCRUMB_SEPARATOR = " › "
OWN_AREA = "本账号区域：{area}"
AREA_NOT_YOURS = "抱歉，您的账号只能查看{own}的数据，链接中的 {value} 不在范围内，已显示{own}。"
OUT_OF_SCOPE = "抱歉，您的账号无权查看这部分数据。如需查看，请联系管理员调整账号范围。"

# Charts: axis titles shared by several charts
AXIS_WEEK = "周次"
AXIS_MEMBERS = "人数"
AXIS_COUNT = "次数"
AXIS_HOURS = "小时"

# 总览
OVERVIEW_TRENDS = "近 12 周走势"
# 总览: who is behind, at every level under the area (metrics.tables.RANKING_KEYS)
OVERVIEW_BEHIND = "哪些地方落后"
OVERVIEW_BEHIND_LEVEL = "比较哪一级"
OVERVIEW_BEHIND_LEVEL_OPTION = "各{level}"
OVERVIEW_RANK_TITLES = {
    "contact_coverage": "哪些{level}联系覆盖率偏低",
    "overdue_rate": "哪些{level}超期率偏高",
    "three_way_complete": "哪些{level}三联齐全率偏低",
}
OVERVIEW_RANK_SHOWN = "共 {count} 个{level}，图中列出最靠后的 {shown} 个；全部{level}见下表（按拼音排序）。"
OVERVIEW_RANK_ALL = "共 {count} 个{level}，全部{level}见下表（按拼音排序）。"
OVERVIEW_BEHIND_NOTE = (
    "橙色为排名靠后的四分之一，最需要关注的排在最上面。超期率 = 超期未联系人数 ÷ 在册流动党员人数，"
    "人多的地方不会因人多而总排在前面。"
)
OVERVIEW_BEHIND_TABLE = "各{level}一览"
OVERVIEW_BEHIND_PARENT = "所属"
OVERVIEW_BEHIND_FLAGS = "排名靠后"
OVERVIEW_BEHIND_FLAG_SEPARATOR = "、"
OVERVIEW_CHANNELS = "本周新增报到从哪些渠道来"
OVERVIEW_NO_REGISTRATIONS = "本周没有新增报到。"
# The registration funnel (metrics.funnel): a month's new members, contacted in time, then 三联齐全 in time
OVERVIEW_FUNNEL = "新报到的党员是否及时联系上"
FUNNEL_MONTH_PICK = "报到月份"
FUNNEL_MONTH_OPTION = "{year}年{month}月"
FUNNEL_TITLE = "{month}报到的党员"  # the steps name their days; a longer title runs past a phone's edge
FUNNEL_STEPS = {
    "found": "名单核实发现",
    "found_registered": "其中已报到",
    "registered": "当月报到",
    "contacted": "{first} 天内首次联系",
    "three_way": "{three_way} 天内三联齐全",
}
FUNNEL_TEXT = "{count:,} 人"
FUNNEL_TEXT_SHARE = "{count:,} 人（上一步的 {share}）"
FUNNEL_NOTE = (
    "按 {as_of} 及以前的联系记录计；后一步包含在前一步中（{first} 天内联系上、且三方都在 {three_way} 天内联系过）。"
    "报到前的联系不计。"
)
FUNNEL_FILLING = "{month}报到的党员到 {as_of} 尚未都满 {three_way} 天，后面的步骤还会增加。"
FUNNEL_EMPTY = "{area}{month}没有新报到的党员。"
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

# Figures computed beside the indicators (metrics.tables.DERIVED_RATES), by their key
DERIVED_LABELS = {"overdue_rate": "超期率"}

# Column names as shown in tables and on axes (applied just before display)
COLUMN_LABELS = {
    "path": "区域",
    "name": "名称",
    "channel": "报到方式",
    **INDICATOR_LABELS,
    **DERIVED_LABELS,
}

# 覆盖地图
MAP_PICK_INDICATOR = "地图按哪个指标着色"
MAP_SHOW_STATIONS = "驿站服务范围"
MAP_SHOW_DENSITY = "党员分布密度"
MAP_TITLE = "各社区{indicator}"
MAP_LEGEND_HINT = "颜色越深越需关注"
MAP_LEGEND_NO_DATA = "无数据"
MAP_TOOLTIP = "{name}\n{indicator}：{value}\n在册流动党员：{members}"
MAP_NOTE = "蓝点为驿站，浅蓝圆圈为其 {radius:,.0f} 米服务范围；黑点为在册党员分布（每格约 {cell:,} 米，点越大人越多）。"
MAP_DRILL_HINT = "点击地图上的社区可下钻到该社区。"
MAP_NO_BOUNDARIES = "{area}没有带边界的社区，无法绘制地图。可在侧栏选择其他区域。"
MAP_ALT = "{area}各社区{indicator}地图"

# 联系情况
CONTACTS_HISTOGRAM_TITLE = "近{days}天每名党员被联系几次（人均 {mean} 次）"
CONTACTS_HISTOGRAM_NOTE = "“0”即近{days}天一次也没被联系的在册党员（金色）。"
AXIS_CONTACTS_IN_WINDOW = "近{days}天联系次数"
CONTACTS_BY_SIDE_TITLE = "三联各方每周联系了多少次"
CONTACTS_BY_METHOD_TITLE = "每周通过什么方式联系"
CONTACTS_NONE_IN_WEEKS = "近 12 周没有联系记录。"
CONTACTS_THREE_WAY_TITLE = "三联齐全率与联系覆盖率：近 12 周"
CONTACTS_CHILDREN_TITLE = "哪些{level}超期未联系、失联风险的党员最多"
CONTACTS_NO_CHILDREN = "社区没有下级区域可比；本社区超期未联系的党员名单见“区域下钻”页。"
AXIS_CONTACTS = "联系次数"
SIDE_LABELS = {"outflow_org": "流出地党组织", "inflow_org": "流入地党组织", "member": "党员主动"}
METHOD_LABELS = {
    "phone": "电话",
    "wechat": "微信",
    "home_visit": "上门走访",
    "activity": "活动见面",
    "other": "其他",
    "unknown": "未注明",
}

# 志愿服务
VOLUNTEER_YEAR_TITLE = "近 {weeks} 周每周志愿服务多少小时"
VOLUNTEER_PEAK = "最高 {week}：{hours:,.1f} 小时"
VOLUNTEER_CATEGORY_TITLE = "本周的服务时长花在哪些活动上"
VOLUNTEER_NO_HOURS = "本周没有志愿服务记录。"
VOLUNTEER_LEADERS_TITLE = "本周志愿服务时长最多的社区（前 10）"
VOLUNTEER_NO_LEADERS = "本周各社区都没有志愿服务时长。"
VOLUNTEER_HOURS_PER_PARTICIPANT = "人均服务时长（小时）"
AXIS_CATEGORY = "活动类别"
VOLUNTEER_CATEGORY_LABELS = {
    "governance": "社区治理",
    "mediation": "矛盾调解",
    "civility": "文明创建",
    "snow_clearing": "扫雪除冰",
    "elder_care": "关爱老人",
    "drowning_prevention": "防溺水宣传",
    "dedication_day": "党员义务奉献日",
    "other": "其他",
}

# 诉求办理
DEMANDS_NONE = "{area}暂无诉求和微心愿记录。可在“数据导入”页导入诉求台账。"
DEMANDS_RULES = (
    "诉求办结率、平均办结天数、满意率按截至 {end} 的 {window} 天计；提出超过 {overdue} 天仍未办结的诉求为超期。"
    "已撤销的不计。"
)
DEMANDS_FLOW_TITLE = "近 {weeks} 周每周新增与办结诉求"
DEMANDS_WISHES_TITLE = "近 {weeks} 周每周圆梦微心愿"
DEMANDS_WISHES_PEAK = "最多 {week}：{hours:,.0f} 个"
AXIS_WISHES = "微心愿（个）"
AXIS_DEMANDS = "诉求（件）"
DEMANDS_BACKLOG_TITLE = "未办结诉求最多的社区（前 {count}）"
DEMANDS_NO_BACKLOG = "截至 {end}，{area}没有未办结的诉求。"
DEMANDS_SOURCE_TITLE = "近 {window} 天诉求从哪里来、办结了多少"
DEMANDS_STATION_TITLE = "近 {window} 天受理诉求最多的站点（前 {count}）"
DEMANDS_NO_WINDOW = "近 {window} 天没有新提出的诉求。"
DEMANDS_NO_STATION = "近 {window} 天没有经服务站点受理的诉求。"
DEMANDS_PARTS = {"overdue": "超期未办结", "not_overdue": "未超期", "resolved": "已办结", "open": "未办结"}
DEMANDS_OVERDUE_TITLE = "超期未办结诉求（{count} 件）"
DEMANDS_OVERDUE_NOTE = "提出超过 {days} 天、截至 {end} 仍未办结，等待最久的在前；提出人的姓名和手机号已脱敏。"
DEMANDS_NO_OVERDUE = "截至 {end}，{area}没有超期未办结的诉求。"
DEMANDS_LEADER_NOTE = "超期诉求清单由街道、社区账号查看；本账号只看汇总。"
DEMANDS_OVERDUE_COLUMNS = {
    "number": "编号",
    "community": "所在社区",
    "raised_on": "提出日期",
    "days_open": "已等待（天）",
    "source": "来源",
    "station": "受理站点",
    "name": "提出人",
    "phone": "手机号",
}
DEMANDS_CARD_DAYS = "已等待 {days} 天"
DEMANDS_CARD_DETAIL = "{community} · 提出人 {who} · {source} · {raised}"
DEMANDS_NOT_NAMED = "未登记"
DEMAND_SOURCE_LABELS = {
    "station": "驿站",
    "visit": "走访",
    "phone": "电话",
    "online": "线上",
    "event": "活动",
    "other": "其他",
    "": "未填写",
}

# 驿站服务
STATIONS_NONE = "{area}暂无服务站点。可在“数据导入”页导入服务站点台账。"
STATIONS_DEMANDS = "本周收集诉求"
STATIONS_DEMANDS_HELP = "服务项目为“诉求反映”的驿站服务人次。"
STATIONS_TREND_NOTE = "服务人次按驿站所在社区统计；闲置驿站指已启用但本周没有服务记录的驿站。"
STATIONS_SERVICES_TITLE = "本周驿站提供了哪些服务"
STATIONS_HEATMAP_TITLE = "本周驿站什么时候最忙（按星期和时段）"
STATIONS_BUSIEST_TITLE = "本周服务人次最多的 {count} 个驿站"
STATIONS_QUIETEST_TITLE = "本周服务人次最少的 {count} 个驿站"
STATIONS_ALL_TITLE = "本周各驿站服务人次"
STATIONS_RANKING_NOTE = "只列已启用的驿站。"
STATIONS_NO_VISITS = "本周没有驿站服务记录。"
STATIONS_IDLE_TITLE = "闲置驿站：已启用但本周没有服务记录（{count} 个）"
STATIONS_NO_IDLE = "本周没有闲置驿站：已启用的驿站都有服务记录。"
STATIONS_NAME_WITH_COMMUNITY = "{name}（{community}）"
STATIONS_NOT_GIVEN = "未填写"
STATIONS_IDLE_COLUMNS = {
    "name": "站点名称",
    "community": "所在社区",
    "path": "所在区域",
    "kind": "站点类型",
    "opened_on": "启用日期",
}
AXIS_VISITS = "服务人次"
AXIS_SERVICE = "服务项目"
AXIS_HOUR = "时段"
HOUR_TICK = "{hour}时"
WEEKDAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
SERVICE_LABELS = {
    "rest": "歇脚",
    "water": "饮水",
    "charging": "充电",
    "reading": "阅览",
    "study": "学习",
    "registration": "报到",
    "demand": "诉求反映",
    "other": "其他",
}
STATION_KIND_LABELS = {
    "registration": "报到服务站",
    "service_center": "党群服务中心",
    "red_post": "红色驿站",
    "post_24h": "7×24H驿站",
    "other": "其他",
}

# 区域下钻
AREAS_BREADCRUMB_HELP = "返回{area}"
AREAS_CHILDREN = "各{level}指标一览"
AREAS_CHILDREN_HINT = "点击表头排序；勾选行首的方框进入该{level}。浅红底色：该项指标排名靠后的四分之一。"
AREAS_SHOW_PREVIOUS = "同时显示上周数值"
AREAS_GROUP_PICK = "显示指标"  # the child table's columns: one group (INDICATOR_GROUP_LABELS) or all
AREAS_GROUP_ALL = "全部指标"
AREAS_PREVIOUS_COLUMN = "{label}（上周）"
# Every indicator's header in the child table: its name, shortened where long so the columns fit a 1920-wide
# screen (full name on hover)
AREAS_SHORT_HEADERS = INDICATOR_LABELS | {
    "contacts_per_member_30d": "人均联系（30天）",
    "liaison_coverage": "联系人覆盖率",
    "station_coverage": "驿站覆盖率",
    "volunteer_hours": "志愿时长（小时）",
    "volunteer_participants": "志愿参与人数",
    "volunteer_participation_rate": "志愿参与率",
    "demands_overdue_open": "超期诉求",
    "record_freshness_rate": "档案更新率",
}
AREAS_MEMBERS = "流动党员名单"
AREAS_MEMBERS_NOTE = "姓名、手机号和联系人已脱敏显示。最近联系日期：{end} 及以前的最近一次联系，从未联系的为报到日期。"
AREAS_LIST_TITLES = {
    "overdue": "超期未联系",
    "lost_contact": "失联风险",
    "all": "全部在册",
    "stale_record": "一人一档待更新",
}
AREAS_LIST_TAB = "{title}（{count:,}）"
AREAS_LIST_RULES = {
    "overdue": "最近联系距 {end} 超过 {days} 天的在册党员，未联系最久的在前。",
    "lost_contact": "最近联系距 {end} 超过 {days} 天的在册党员，未联系最久的在前。",
    "all": "{end} 在册的全部流动党员，未联系最久的在前。",
    "stale_record": (
        "最近核实日期（{end} 及以前的核实日期，从未核实的为报到日期）距 {end} 已满 {days} 天的在册党员，"
        "未核实最久的在前。"
    ),
}
AREAS_LIST_EMPTY = {
    "overdue": "{area}没有超期未联系的党员。",
    "lost_contact": "{area}没有失联风险的党员。",
    "all": "{area}暂无在册流动党员。",
    "stale_record": "{area}的一人一档都在期限内核实过。",
}
AREAS_NO_MEMBERS = "{area}在 {end} 暂无在册流动党员。"
AREAS_DOWNLOAD = "导出名单（Excel，导出将记入审计日志）"
AREAS_LEADER_NOTE = "本账号只看汇总指标，不显示党员个人信息（名单由街道、社区账号查看）。"
AREAS_REVEAL = "查看一名党员的完整信息"
AREAS_REVEAL_PICK = "选择党员（仅在工作需要时查看）"
AREAS_REVEAL_BUTTON = "显示完整信息（将记入审计日志）"
AREAS_REVEAL_GONE = "该党员不在本账号范围内，或已不在册。"
AREAS_REVEAL_VALUE = "内容"
AREAS_REVEAL_NOT_GIVEN = "未填写"
AREAS_REVEAL_FIELDS = {
    "name": "姓名",
    "phone": "手机号",
    "community_path": "所在社区",
    "flow_type": "流动类型",
    "gender": "性别",
    "birth_date": "出生日期",
    "home_org": "党组织关系所在地",
    "employer": "工作单位",
    "occupation": "职业类别",
    "liaison": "联系人",
    "registered_on": "报到日期",
    "status": "状态",
    "verified_on": "核实日期",
}
AREAS_EXPORT_TITLE = "{title}名单"
AREAS_EXPORT_AREA = "区域：{area}"
AREAS_EXPORT_WEEK = "周次：{week}（{start} 至 {end}）"
AREAS_EXPORT_TIME = "导出时间：{time:%Y-%m-%d %H:%M}（北京时间）"
AREAS_EXPORT_COUNT = "共 {count:,} 人；姓名、手机号和联系人已脱敏。"
AREAS_EXPORT_FILE = "{area}_{title}_{week}.xlsx"
MEMBER_LIST_COLUMNS = {
    "name": "姓名",
    "phone": "手机号",
    "community": "所在社区",
    "flow_type": "流动类型",
    "liaison": "联系人",
    "registered_on": "报到日期",
    "last_contact_on": "最近联系日期",
    "days_since_contact": "未联系天数",
}
# The 待更新 list's columns (metrics.member_lists): the same people, their record's last check instead of contact
STALE_LIST_COLUMNS = {
    "name": "姓名",
    "phone": "手机号",
    "community": "所在社区",
    "flow_type": "流动类型",
    "liaison": "联系人",
    "registered_on": "报到日期",
    "last_verified_on": "最近核实日期（未核实的为报到日期）",
    "days_since_verified": "未核实天数",
}
AREAS_NO_LIAISON = "未指定"
AREAS_CARD_DAYS = "{days} 天未联系"
AREAS_CARD_DETAIL = "联系人 {liaison} · 最近联系 {last}"
AREAS_CARD_NEVER = "从未联系"
AREAS_CARD_DAYS_VERIFIED = "{days} 天未核实"
AREAS_CARD_DETAIL_VERIFIED = "联系人 {liaison} · 最近核实 {last}"
AREAS_CARDS_MORE = "仅显示未联系最久的 {shown} 名（共 {total} 名），完整名单请导出。"
# The grid worker's list: full phone numbers, for a purpose, as a 联系记录 ledger to fill in and import back
FOLLOW_UP_PURPOSES = {"home_visit": "入户走访", "phone_call": "电话联系"}  # services.follow_up.PURPOSES
FOLLOW_UP_PURPOSE_PICK = "导出含完整手机号的名单（供网格员联系后填写、交回导入）：用途"
FOLLOW_UP_FULL_DOWNLOAD = "导出完整名单（Excel，含完整手机号，用途“{purpose}”将记入审计日志）"
FOLLOW_UP_FULL_NOTE = "完整名单含个人信息，仅用于所选用途；交回导入后即成为联系记录，纸面和文件请妥善保管、用后删除。"
FOLLOW_UP_EXPORT_TITLE = "{title}名单（网格员联系后填写）"
FOLLOW_UP_EXPORT_PURPOSE = (
    "导出时间：{time:%Y-%m-%d %H:%M}（北京时间）；用途：{purpose}；共 {count:,} 人，含完整手机号，请妥善保管。"
)
FOLLOW_UP_EXPORT_HOW = (
    "填写：联系后填上联系日期和联系方（流出地党组织/流入地党组织/党员主动），联系人已预填专属联系人，他人联系请改写；"
    "交回后在“数据导入”页按联系记录导入，未填写的行不导入。"
)
FOLLOW_UP_EXPORT_FILE = "{area}_{title}_{week}_网格员填写.xlsx"
FOLLOW_UP_EXPORT_SHEET = "联系记录"
# Extra columns of that file beside the 联系记录 ledger's own (the import reads them as nothing and ignores them)
FOLLOW_UP_EXTRA_COLUMNS = {"name": "姓名", "community": "所在社区", "liaison": "专属联系人", "days": "未联系天数"}
AUDIT_FULL_EXPORT = "{title}名单（完整手机号，用途：{purpose}）"

# 联系情况: did last week's lists get worked (metrics/follow_up.py), for street and community accounts
FOLLOW_UP_TITLE = "导出名单跟进情况"
FOLLOW_UP_METRIC = {7: "近7天导出名单已联系", 14: "近14天导出名单已联系"}
FOLLOW_UP_HEADLINE = {7: "上周名单已联系 {share}", 14: "近两周名单已联系 {share}"}  # the review's one line
FOLLOW_UP_NO_LISTS = {7: "上周没有导出超期或失联名单", 14: "近两周没有导出超期或失联名单"}
FOLLOW_UP_NONE = "—"
FOLLOW_UP_METRIC_HELP = (
    "名单 {lists} 份，已全部跟进 {closed} 份；名单上 {members} 人：已联系 {contacted} 人，"
    "已不在册 {departed} 人，尚未联系 {pending} 人。"
)
FOLLOW_UP_RULES = (
    "截至所选周末（{as_of}），该期间导出的超期未联系、失联风险名单中的党员，自导出当天起有联系记录的比例"
    "（已不在册的不计入）。名单上每人都已联系或已不在册，该名单即为跟进完毕。"
)
FOLLOW_UP_MEMBERS = "名单上的党员（尚未联系的在前）"
FOLLOW_UP_MEMBERS_NOTE = "姓名、手机号和联系人已脱敏显示；同一人在多份名单上只列一次，按最早一次导出计。"
FOLLOW_UP_STATES = {"pending": "尚未联系", "departed": "已不在册", "contacted": "已联系"}
FOLLOW_UP_BY = {"community": "社区", "liaison": "联系人"}
FOLLOW_UP_COLUMNS = {
    "name": "姓名",
    "phone": "手机号",
    "community": "所在社区",
    "liaison": "联系人",
    "exported_on": "导出日期",
    "state": "跟进情况",
    "contacted_since": "导出后首次联系",
    "members": "名单人数",
    "contacted": "已联系",
    "departed": "已不在册",
    "pending": "尚未联系",
    "share": "已联系比例",
}

# Role words a liaison entry may start with (网格员赵文涛): kept when the name after them is masked
LIAISON_ROLES = ("社区干部", "网格员", "网格长", "楼栋长", "支委委员", "党支部书记", "党员志愿者")

# 周例会 (the projector slides at /review and their .pptx)
# Each indicator's definition in a sentence (README's table), for the speaker notes of the .pptx; the days and
# metres are the settings' (metrics.thresholds.Thresholds fields), filled in when a deck is built
INDICATOR_DEFINITIONS = {
    "active_members": "状态为“在册”且报到日期不晚于本周末的流动党员人数。",
    "new_registrations": "报到日期在本周内的流动党员人数（不论状态）。",
    "contact_coverage": "在册流动党员中，截至本周末 {contact_window_days} 天内至少被联系过一次的比例。",
    "overdue": "在册流动党员中，最近一次联系（从未联系则按报到日期）距本周末超过 {overdue_days} 天的人数。",
    "lost_contact": "在册流动党员中，最近一次联系（从未联系则按报到日期）距本周末超过 {lost_contact_days} 天的人数。",
    "three_way_complete": (
        "在册流动党员中，截至本周末 {three_way_window_days} 天内流出地党组织、流入地党组织"
        "和党员本人三方都有联系的比例。"
    ),
    "contacts_per_member_30d": "截至本周末 {contact_window_days} 天内在册流动党员的联系次数，除以在册人数。",
    "liaison_coverage": "在册流动党员中，已明确专属联系人的比例。",
    "station_coverage": "有坐标的在册流动党员中，{station_radius_m:,.0f} 米内有已启用驿站的比例。",
    "station_visits": "本区域驿站本周的服务人次。",
    "idle_stations": "本区域已启用、本周没有一次服务记录的驿站个数。",
    "volunteer_hours": "本周志愿服务记录的时长合计（小时）。",
    "volunteer_participants": "本周有志愿服务时长的在册流动党员人数。",
    "volunteer_participation_rate": "本周志愿服务参与人数，除以在册流动党员人数。",
    "demands_raised": "提出日期在本周内的诉求件数（已撤销的不计，下同）。",
    "demands_resolved": "办结日期在本周内的诉求件数。",
    "demand_resolution_rate": "截至本周末 {demand_window_days} 天内提出的诉求中，到本周末已办结的比例。",
    "demand_mean_days": "截至本周末 {demand_window_days} 天内办结的诉求，从提出到办结的平均天数。",
    "demands_overdue_open": "提出超过 {demand_overdue_days} 天、到本周末仍未办结的诉求件数。",
    "wishes_fulfilled": "办结日期在本周内的微心愿个数。",
    "demand_satisfaction_rate": (
        "截至本周末 {demand_window_days} 天内办结且有评价的诉求中，评价为满意或基本满意的比例。"
    ),
    "record_freshness_rate": (
        "在册流动党员中，一人一档截至本周末 {record_fresh_days} 天内核实过（核实日期或名单核对办结）的比例；"
        "从未核实的按报到日期计。"
    ),
}
REVIEW_NOTES_DEFINITION = "口径：{definition}"
REVIEW_NOTES_FIGURES = "本周 {value}；{previous}；{change}。"
REVIEW_NOTES_TITLE = "{area} {week} 周例会。每页一个指标，本周与上周对比，右侧为近 12 周走势。"
REVIEW_NOTES_CLOSING = "排名靠后：有数据的地区中最差的四分之一（至少一个），与最好者持平的不列入。"
REVIEW_NOTES_MOVED = (
    "新报到：本周报到的党员；新增超期未联系：本周末超期而上周末未超期；超期后已联系：上周末超期、本周有联系；"
    "新增失联风险、新实现三联齐全同理。各区域的贡献相加等于整体变化。"
)
REVIEW_WEEK_TICK_SHORT = "W{number:02d}"  # the .pptx chart's category axis: short enough never to wrap
REVIEW_TITLE = "流动党员管理服务 · 周例会"
REVIEW_WEEK = "{week}（{start} 至 {end}）"
REVIEW_AS_OF = "数据截至 {date}"
REVIEW_FOOTER = "{area} · {week}"
REVIEW_FOOTER_SEPARATOR = " · "
REVIEW_PREVIOUS = "上周 {value}"
REVIEW_CHANGE = "较上周 {arrow} {change}"
REVIEW_CHANGE_FLAT = "与上周持平"
REVIEW_CHANGE_UNKNOWN = "较上周 —"
REVIEW_ARROW_UP = "▲"
REVIEW_ARROW_DOWN = "▼"
REVIEW_TREND = "近 12 周走势"
REVIEW_WEEK_TICK = "第{number}周"
REVIEW_CLOSING_TITLE = "需要关注的{level}"
REVIEW_MOVED_TITLE = "本周变化"
REVIEW_MOVED_UP = "升：{areas}"
REVIEW_MOVED_DOWN = "降：{areas}"
REVIEW_MOVED_SEPARATOR = "　　"
REVIEW_MOVED_NOTE = "人数为本周末在册党员相对上周末的变化。"
REVIEW_MOVED_LEVEL = "各项列出贡献最大的{level}，各{level}贡献之和等于整体变化。"
REVIEW_CLOSING_NO_CHILDREN_TITLE = "下级区域对比"
REVIEW_LAGGING_HEADINGS = {
    "contact_coverage": "联系覆盖率偏低",
    "overdue_rate": "超期率偏高",
    "three_way_complete": "三联齐全率偏低",
}
REVIEW_LEVELS_JOIN = "和"  # 需要关注的区和街道
REVIEW_LEVEL_COUNT = "{count} 个{level}"
REVIEW_LEVEL_SEPARATOR = "、"
REVIEW_LAGGING_ITEM = "{name}  {value}"
REVIEW_LAGGING_MORE = "等另外 {count} 个"
REVIEW_NO_LAGGING = "无"
REVIEW_LAGGING_NOTE = "各项列出 {counts}中排名靠后的四分之一（本周数据）；超期率 = 超期未联系 ÷ 在册人数。"
REVIEW_NO_CHILDREN = "{area}没有下级区域可比较。"
REVIEW_SLIDE_NUMBER = "{number} / {total}"
REVIEW_PREV = "上一页"
REVIEW_NEXT = "下一页"
REVIEW_DOWNLOAD = "下载 PPT"
REVIEW_EXIT = "退出放映"
REVIEW_AUTO = "每 {seconds} 秒自动翻页"
REVIEW_FILE_NAME = "周例会_{area}_{week}.pptx"

# 周一简报 (cli.py digest): the week's deck, a one-page summary (HTML and PNG) and a group robot's message
DIGEST_TITLE = "流动党员管理服务 · 周报"
DIGEST_FIGURES = "主要指标"
DIGEST_FIGURES_NOTE = "本周（上周，变化）"
DIGEST_FLOWS = "本周变化（人）"
DIGEST_MOVERS = "变化来自哪里（贡献最大的{level}）"
DIGEST_LAGGING = "需要关注的{level}"
DIGEST_LAGGING_NOTE = "排名靠后的四分之一（本周数据）；超期率 = 超期未联系 ÷ 在册人数。"
DIGEST_NO_CHILDREN = "{area}没有下级区域可比较。"
DIGEST_CLOSURE = "名单跟进"
DIGEST_FIGURE_LINE = "{label}：{value}（上周 {previous}，{change}）"
DIGEST_MOVE_LINE = "{heading}：{areas}"
DIGEST_LAGGING_LINE = "{heading}：{items}"
DIGEST_LAGGING_ITEM = "{name} {value}"
DIGEST_NAMES_JOIN = "、"
DIGEST_FLOWS_JOIN = "，"
DIGEST_FLOW_ITEM = "{label} {count}"
DIGEST_PRIVACY = "仅含统计数字，不含党员个人信息。"
DIGEST_MORE = "完整内容见周例会 PPT。"  # the robot's message when cut to the robot's length limit
DIGEST_HTML_FILE = "周报_{area}_{week}.html"
DIGEST_PNG_FILE = "周报_{area}_{week}.png"
DIGEST_WROTE = "已写入：{path}"
DIGEST_POSTED = "已发送到群机器人（{kind}）。"
DIGEST_KINDS = {"wecom": "企业微信", "dingtalk": "钉钉"}
DIGEST_PNG_SKIPPED = "未生成图片：{reason}。HTML 和 PPT 已写好；加 --png 时缺少图片视为失败。"
DIGEST_PNG_FAILED = "生成图片失败：{reason}。"
DIGEST_PNG_REASONS = {
    "no_playwright": "未安装 playwright（pip install playwright）",
    "no_chromium": "找不到 Chromium（{path}；apt-get install chromium fonts-noto-cjk，或设置 DASHBOARD_CHROMIUM_PATH）",
    "failed": "Chromium 渲染出错（{detail}）",
}
DIGEST_BAD_KIND = "DASHBOARD_DIGEST_WEBHOOK_KIND 只能是 wecom（企业微信）或 dingtalk（钉钉），现在是：{value}。"
DIGEST_WEBHOOK_ERRORS = {
    "bad_url": "群机器人地址不正确：{detail}。只接受 http:// 或 https:// 开头的地址。",
    "unreachable": "无法连接群机器人地址（{detail}），消息未发送。请检查网络和地址。",
    "timeout": "连接群机器人超时（{detail} 秒），消息未发送。",
    "http_status": "群机器人返回 HTTP {detail}，消息未发送。",
    "rejected": "群机器人拒收消息：{detail}。请检查地址中的 key/access_token 和机器人的安全设置。",
}

# 底数核查 (reconciling with outside lists)
RECONCILE_INTRO = (
    "将外部名单（如全国党员管理信息系统、公安流动人口、民政、网格排查）与台账按手机号比对：一致的不需处理；"
    "姓名、社区或状态不一致、仅台账有、仅外部名单有的，进入各社区的待核实清单。外部名单在“数据导入”页导入，"
    "导入不会改动台账。"
)
RECONCILE_NONE = "{area}尚无外部名单的比对结果。请先在“数据导入”页导入外部名单。"
RECONCILE_SUMMARY = "各{level}核查情况"
RECONCILE_STATES = {"agreed": "一致", "differs": "信息不一致", "ours_only": "仅台账有", "theirs_only": "仅外部名单有"}
RECONCILE_DIFFERENCES = {"name": "姓名", "community": "社区", "status": "状态（不在册）"}
RECONCILE_RESOLUTIONS = {
    "confirmed": "核实无误",
    "corrected": "已更正",
    "not_ours": "非本辖区",
    "not_mobile": "非流动党员",
    "pending": "待查",
}
RECONCILE_OPEN = "待核实"
RECONCILE_OLDEST = "最久未处理（天）"
RECONCILE_LEVELS = {"district": "区", "street": "街道", "community": "社区"}
RECONCILE_QUEUE = "待核实清单"
RECONCILE_QUEUE_NOTE = (
    "姓名、手机号已脱敏显示。核实无误或已更正（更正后的台账已导入）的，台账中的该党员记为今天已核实；"
    "待查的仍留在清单中。每次处理都记入审计日志。"
)
RECONCILE_QUEUE_EMPTY = "没有待核实的条目。"
RECONCILE_COLUMNS = {
    "item_id": "编号",
    "community": "社区",
    "source": "来源",
    "state": "比对结果",
    "difference": "不一致项",
    "name": "外部名单姓名",
    "member_name": "台账姓名",
    "phone": "手机号",
    "days": "已等待（天）",
    "resolution": "处理结果",
    "note": "备注",
}
RECONCILE_RESOLVE = "处理一个条目"
RECONCILE_PICK_ITEM = "选择条目"
RECONCILE_ITEM_OPTION = "#{item} {community} {state} {name} {phone}"
RECONCILE_PICK_RESOLUTION = "核实结果"
RECONCILE_NOTE = "备注（如核实方式、更正内容）"
RECONCILE_SUBMIT = "保存处理结果（将记入审计日志）"
RECONCILE_SAVED = "已保存：#{item} {resolution}。"
RECONCILE_GONE = "该条目不在本账号范围内，或已被新名单取代。"
RECONCILE_LEADER_NOTE = "本账号只看各区域的核查汇总；待核实清单由街道、社区账号查看和处理。"
RECONCILE_REGISTRATION = "导出待登记名单（流动党员台账，完整手机号，将记入审计日志）"
RECONCILE_REGISTRATION_NOTE = (
    "仅外部名单有、已核实无误且尚未登记的人员，按流动党员台账格式导出（姓名、手机号、所在社区已填），"
    "请补填流动类型、报到日期等后在“数据导入”页导入。"
)
RECONCILE_REGISTRATION_FILE = "{area}_待登记流动党员台账.xlsx"
RECONCILE_REGISTRATION_SHEET = "流动党员台账"
RECONCILE_REGISTRATION_TITLE = "待登记流动党员（外部名单核实无误）"
RECONCILE_REGISTRATION_HOW = "补填 流动类型、报到日期 等列后，在“数据导入”页导入本文件即可登记。"
RECONCILE_REGISTRATION_WHEN = "导出时间：{time:%Y-%m-%d %H:%M}，共 {count} 人"
