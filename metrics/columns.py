"""Column names and stored codes shared by data_access, metrics and the ledgers.

Codes are English; the Chinese words users see live in ui/labels.py and the ledger formats.
"""

# The indicators' lists are declared with the indicators in metrics/registry.py, and read here with the columns
from metrics.registry import LOWER_IS_BETTER as LOWER_IS_BETTER
from metrics.registry import REPORT_KEYS as REPORT_KEYS
from metrics.registry import SUMMARY_COUNTS as SUMMARY_COUNTS

# Frame columns
MEMBER_ID = "member_id"
COMMUNITY_ID = "community_id"
STATION_ID = "station_id"
STATUS = "status"
REGISTERED_ON = "registered_on"
CHANNEL = "channel"
LIAISON = "liaison"
LON = "lon"
LAT = "lat"
VERIFIED_ON = "verified_on"  # 核实日期, empty when never verified
CONTACTED_ON = "contacted_on"
SIDE = "side"
METHOD = "method"
OPENED_ON = "opened_on"
VISITED_AT = "visited_at"
SERVICE = "service"
ACTIVITY_ON = "activity_on"
HOURS = "hours"
CATEGORY = "category"
WEEK_START = "week_start"
AREA_ID = "area_id"
PATH = "path"  # 区/街道/社区
NAME = "name"
# 诉求台账 (demands and wishes); a record's community, station and member are COMMUNITY_ID, STATION_ID, MEMBER_ID,
# its status STATUS (a demand status below, not a member's)
NUMBER = "number"  # 编号
KIND = "kind"
RAISED_ON = "raised_on"  # 提出日期
RESOLVED_ON = "resolved_on"  # 办结日期, empty while open
SOURCE = "source"
SATISFACTION = "satisfaction"  # 满意度, empty when not asked

# Member status
STATUS_ACTIVE = "active"
STATUSES = ("active", "returned", "transferred", "lost")

# Flow type
FLOW_TYPES = ("inflow", "outflow")

# Registration channel
CHANNELS = ("qr_scan", "door_survey", "data_check", "org_intro", "other")

# Occupation
OCCUPATIONS = ("rider", "courier", "ride_hailing", "truck_driver", "employee", "self_employed", "retired", "other")

# The three sides of 三联
SIDES = ("outflow_org", "inflow_org", "member")

# Contact method (a ledger's unknown method is kept as "other", which the sample never draws)
METHODS = ("phone", "wechat", "home_visit", "activity")
OTHER = "other"

# Station kind and visit services
STATION_KINDS = ("registration", "service_center", "red_post", "post_24h", "other")
SERVICES = ("rest", "water", "charging", "reading", "study", "registration", "demand", "other")

# Volunteer activity categories
VOLUNTEER_CATEGORIES = (
    "governance",
    "mediation",
    "civility",
    "snow_clearing",
    "elder_care",
    "drowning_prevention",
    "dedication_day",
    "other",
)

# 诉求台账: kind (诉求, 微心愿), status (已受理, 办理中, 已办结, 已撤销), source and satisfaction
KIND_DEMAND = "demand"
KIND_WISH = "wish"
DEMAND_KINDS = (KIND_DEMAND, KIND_WISH)
DEMAND_RESOLVED = "resolved"
DEMAND_WITHDRAWN = "withdrawn"
DEMAND_STATUSES = ("accepted", "in_progress", DEMAND_RESOLVED, DEMAND_WITHDRAWN)
DEMAND_SOURCES = ("station", "visit", "phone", "online", "event", "other")
SATISFACTIONS = ("satisfied", "mostly_satisfied", "dissatisfied")
SATISFIED = ("satisfied", "mostly_satisfied")  # what demand_satisfaction_rate counts
