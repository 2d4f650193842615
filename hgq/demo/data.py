"""The demo zone's data: plain tuples and dicts, read by :mod:`hgq.demo.services`.

Enterprise and project names follow the newspaper article on 怀化高新区 (the zone's own
description); full company names, credit codes, people and phone numbers are
fictional and for evaluation only.
"""

from __future__ import annotations

from datetime import date

# The documented demo password (README), for evaluation only: hence the noqa/nosec.
DEFAULT_PASSWORD = "hgq-demo-2026"  # noqa: S105  # nosec B105
URL_HINT = "http://127.0.0.1:5000"

# (name, is_industry, duties)
DEPARTMENTS: tuple[tuple[str, bool, str], ...] = (
    ("党政综合办公室", False, "统筹协调工委、管委日常工作，负责文电会务、督查督办和包保工作调度。"),
    ("经济发展局", True, "负责工业经济运行监测、规上企业培育和省、市下达的经济指标任务。"),
    ("财政局", True, "负责财政预算和税收分析，落实惠企资金拨付及“惠园贷”风险补偿。"),
    ("招商合作局", True, "负责招商引资、签约项目跟踪落地和合同引资额等招商指标。"),
    ("科技创新和人才局", True, "负责高新技术企业认定、研发平台建设、专精特新企业培育和人才引进。"),
    ("规划建设局", True, "负责园区规划、项目用地及施工许可、标准化厂房和基础设施建设。"),
    ("行政审批服务局", False, "负责政务服务中心运行，推行“标准地+承诺制+代办制”一站式审批。"),
    ("企业服务中心", False, "负责企业诉求受理和转办、惠企政策宣传及包保日常联络。"),
    ("应急管理和安全生产监管局", True, "负责安全生产监督管理、应急预案和企业安全隐患排查整治。"),
    ("生态环境分局", True, "负责建设项目环评、排污许可和园区生态环境监管。"),
)

# (username, name, role code, department, phone); leaders and officers cover enterprises.
STAFF: tuple[tuple[str, str, str, str, str], ...] = (
    ("admin", "周雨婷", "admin", "党政综合办公室", "13874500101"),
    ("committee1", "谭志刚", "committee", "党政综合办公室", "13874500102"),
    # 三员分立: the security and audit administrators (the setting itself is off).
    ("secadmin", "彭海燕", "secadmin", "党政综合办公室", "13874500103"),
    ("auditor", "石立新", "auditadmin", "党政综合办公室", "13874500104"),
    ("leader1", "杨建华", "leader", "经济发展局", "13874500111"),
    ("leader2", "舒卫东", "leader", "招商合作局", "13874500112"),
    ("leader3", "蒋丽娟", "leader", "科技创新和人才局", "13874500113"),
    ("officer1", "刘晓峰", "officer", "经济发展局", "13974500121"),
    ("officer2", "陈思远", "officer", "招商合作局", "13974500122"),
    ("officer3", "李婷婷", "officer", "科技创新和人才局", "13974500123"),
    ("officer4", "王振宇", "officer", "规划建设局", "13974500124"),
    ("officer5", "张敏", "officer", "企业服务中心", "13974500125"),
    ("officer6", "龙海波", "officer", "行政审批服务局", "13974500126"),
    ("officer7", "肖雅琴", "officer", "财政局", "13974500127"),
    ("officer8", "唐俊杰", "officer", "企业服务中心", "13974500128"),
    ("dept1", "曾凡勇", "department", "经济发展局", "13574500131"),
    ("dept2", "罗春燕", "department", "生态环境分局", "13574500132"),
    ("dept3", "邓国平", "department", "应急管理和安全生产监管局", "13574500133"),
)

# Each officer always works under the same leader (round robin keeps the load even).
OFFICER_LEADERS: dict[str, str] = {
    "officer1": "leader1",
    "officer2": "leader2",
    "officer3": "leader3",
    "officer4": "leader1",
    "officer5": "leader2",
    "officer6": "leader3",
    "officer7": "leader1",
    "officer8": "leader2",
}

# Enterprise n (0-based, in ENTERPRISES order) is covered by officer n % 8 + 1 from
# ASSIGNMENT_START plus (n // 8) weeks.
ASSIGNMENT_START = date(2026, 1, 5)
ASSIGNMENT_NOTE = "2026年度联点包保安排"

# Tags as seeded by migration 0001.
TAG_NAMES: tuple[str, ...] = (
    "规上企业",
    "高新技术企业",
    "专精特新“小巨人”",
    "重点项目企业",
    "科技型中小企业",
)

_ZONE = "湖南省怀化市鹤城区怀化高新区"

# One enterprise account each: ent01, ent02, … in this order. ``code17`` is the
# first 17 characters of the 统一社会信用代码; the check character is computed.
ENTERPRISES: tuple[dict[str, object], ...] = (
    {
        "name": "德达医疗（湖南）有限公司",
        "code17": "91431200MA4Q8LR2X",
        "industry": "医疗器械制造",
        "address": f"{_ZONE}高新大道18号",
        "contact_name": "王建军",
        "contact_phone": "13907450201",
        "tags": ("规上企业", "高新技术企业"),
    },
    {
        "name": "怀化东旭新材料有限公司",
        "code17": "91431200MA4T1H6K3",
        "industry": "特种玻璃制造",
        "address": f"{_ZONE}东旭新材料产业园1号",
        "contact_name": "李红梅",
        "contact_phone": "13907450202",
        "tags": ("重点项目企业",),
    },
    {
        "name": "湖南正清制药集团股份有限公司",
        "code17": "91431200186830235",
        "industry": "中药制造",
        "address": f"{_ZONE}正清路1号",
        "contact_name": "陈国庆",
        "contact_phone": "13907450203",
        "tags": ("规上企业", "高新技术企业", "专精特新“小巨人”"),
    },
    {
        "name": "湖南骏泰新材料科技有限责任公司",
        "code17": "91431200768019754",
        "industry": "纸浆制造",
        "address": f"{_ZONE}工业大道66号",
        "contact_name": "刘德胜",
        "contact_phone": "13907450204",
        "tags": ("规上企业", "高新技术企业", "重点项目企业"),
    },
    {
        "name": "湖南千源铝业有限公司",
        "code17": "91431202MA4L2N7P5",
        "industry": "有色金属压延加工",
        "address": f"{_ZONE}工业大道88号",
        "contact_name": "杨帆",
        "contact_phone": "13907450205",
        "tags": ("规上企业",),
    },
    {
        "name": "怀化金升阳科技有限公司",
        "code17": "91431200MA4M5C8Q1",
        "industry": "电子元器件制造",
        "address": f"{_ZONE}科技路9号",
        "contact_name": "赵立新",
        "contact_phone": "13907450206",
        "tags": ("规上企业", "高新技术企业", "专精特新“小巨人”"),
    },
    {
        "name": "湖南天骑医学新技术股份有限公司",
        "code17": "91431200587029816",
        "industry": "医疗器械制造",
        "address": f"{_ZONE}创新路12号",
        "contact_name": "黄晓燕",
        "contact_phone": "13907450207",
        "tags": ("规上企业", "高新技术企业", "专精特新“小巨人”"),
    },
    {
        "name": "湖南优羊乳业有限公司",
        "code17": "91431200MA4R3F0D7",
        "industry": "乳制品制造",
        "address": f"{_ZONE}食品工业园3栋",
        "contact_name": "周俊",
        "contact_phone": "13907450208",
        "tags": ("规上企业", "重点项目企业"),
    },
    {
        "name": "怀化百曜光电科技有限公司",
        "code17": "91431200MA4PBK2W6",
        "industry": "光电子器件制造",
        "address": f"{_ZONE}光电产业园A区2栋",
        "contact_name": "吴海涛",
        "contact_phone": "13907450209",
        "tags": ("高新技术企业", "重点项目企业"),
    },
    {
        "name": "怀化嘉业实业有限公司",
        "code17": "91431202MA4T6Y3E8",
        "industry": "新型建筑材料制造",
        "address": f"{_ZONE}标准化厂房5栋",
        "contact_name": "郑丽华",
        "contact_phone": "13907450210",
        "tags": ("科技型中小企业",),
    },
    {
        "name": "均和（怀化）供应链管理有限公司",
        "code17": "91431200MA4TA07G2",
        "industry": "供应链管理服务",
        "address": f"{_ZONE}创业创新服务大楼12楼",
        "contact_name": "孙志强",
        "contact_phone": "13907450211",
        "tags": ("重点项目企业",),
    },
    {
        "name": "怀化金益金属材料有限公司",
        "code17": "91431202MA4RJ9U4H",
        "industry": "金属制品制造",
        "address": f"{_ZONE}标准化厂房8栋",
        "contact_name": "彭丽",
        "contact_phone": "13907450212",
        "tags": ("科技型中小企业",),
    },
    {
        "name": "湖南金君检测技术有限公司",
        "code17": "91431200MA4QW5N9C",
        "industry": "检验检测服务",
        "address": f"{_ZONE}创业创新服务大楼8楼",
        "contact_name": "胡晓东",
        "contact_phone": "13907450213",
        "tags": ("科技型中小企业",),
    },
    {
        "name": "怀化仙鹤特种纸有限公司",
        "code17": "91431200MA7B2X1L4",
        "industry": "特种纸制造",
        "address": f"{_ZONE}林浆纸产业园2号",
        "contact_name": "沈国栋",
        "contact_phone": "13907450214",
        "tags": ("重点项目企业",),
    },
    {
        "name": "湖南和立久通科技有限公司",
        "code17": "91431200MA7C4P8N0",
        "industry": "智能装备制造",
        "address": f"{_ZONE}科技路21号",
        "contact_name": "何文斌",
        "contact_phone": "13907450215",
        "tags": ("科技型中小企业",),
    },
    {
        "name": "怀化中皓新能源科技有限公司",
        "code17": "91431200MA7D9R3K6",
        "industry": "新能源装备制造",
        "address": f"{_ZONE}高新大道99号",
        "contact_name": "田玉兰",
        "contact_phone": "13907450216",
        "tags": ("科技型中小企业",),
    },
    {
        "name": "怀化睿光光学科技有限公司",
        "code17": "91431200MA7E1T5M2",
        "industry": "光学镜头制造",
        "address": f"{_ZONE}光电产业园B区6栋",
        "contact_name": "邓志华",
        "contact_phone": "13907450217",
        "tags": ("科技型中小企业", "重点项目企业"),
    },
    {
        "name": "湖南怀芯碳化硅材料有限公司",
        "code17": "91431200MA7F6H2Q9",
        "industry": "半导体材料制造",
        "address": f"{_ZONE}新材料产业园9号",
        "contact_name": "曹建新",
        "contact_phone": "13907450218",
        "tags": ("科技型中小企业", "重点项目企业"),
    },
    {
        "name": "怀化鸿联电子科技有限公司",
        "code17": "91431200MA4P7D3J5",
        "industry": "电子连接器制造",
        "address": f"{_ZONE}科技路36号",
        "contact_name": "蒋伟",
        "contact_phone": "13907450219",
        "tags": ("规上企业", "高新技术企业", "重点项目企业"),
    },
    {
        "name": "怀化高新产业发展集团有限公司",
        "code17": "91431200MA4L0K6X8",
        "industry": "园区开发与物流服务",
        "address": f"{_ZONE}创业创新服务大楼",
        "contact_name": "石慧敏",
        "contact_phone": "13907450220",
        "tags": ("重点项目企业",),
    },
)

# (enterprise name, project name, planned investment in 万元, stage code)
PROJECTS: tuple[tuple[str, str, str, str], ...] = (
    ("怀化东旭新材料有限公司", "东旭新材料产业园项目", "300000", "started"),
    ("怀化高新产业发展集团有限公司", "高新产业物流园", "58000", "started"),
    ("怀化鸿联电子科技有限公司", "军民连接器（二期）", "35000", "started"),
    ("怀化百曜光电科技有限公司", "光电新材料产业园项目", "120000", "started"),
    ("均和（怀化）供应链管理有限公司", "再生资源数字化智能供应链项目", "50000", "started"),
    ("湖南骏泰新材料科技有限责任公司", "骏泰上游木材加工园项目", "80000", "signed"),
    ("怀化仙鹤特种纸有限公司", "仙鹤特种纸项目", "150000", "signed"),
    ("湖南怀芯碳化硅材料有限公司", "碳化硅衬底材料项目", "60000", "registered"),
    ("怀化睿光光学科技有限公司", "光学镜头生产线项目", "20000", "registered"),
    ("湖南优羊乳业有限公司", "优羊乳业乳制品加工项目", "30000", "in_production"),
)

DISCLAIMER = (
    "以上演示数据（单位全称、信用代码、人员、电话）均为虚构，仅供演示评估使用，请勿用于生产环境。"
)
