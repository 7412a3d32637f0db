"""Small ledger files for the import tests, written as users write them."""

from __future__ import annotations

import io
import zipfile

import pandas as pd


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    return pd.DataFrame(rows[1:], columns=rows[0]).to_csv(index=False).encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    return workbook_bytes({"Sheet": rows})


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook with one sheet per entry, in order."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


AREAS = [
    ["区", "街道", "社区", "经度", "纬度"],
    ["江汉区", "北湖街道", "环保社区", 114.27, 30.59],
    ["江汉区", "北湖街道", "世彩社区", 114.28, 30.60],
    ["武昌区", "南湖街道", "世彩社区", 114.33, 30.50],
    ["武昌区", "南湖街道", "华锦社区", "", ""],
]
STATIONS = [
    ["站点名称", "所在社区", "经度", "纬度", "站点类型", "启用日期", "服务项目"],
    ["环保社区党群服务中心", "环保社区", 114.27, 30.59, "党群服务中心", "2024/3/1", "歇脚、饮水、充电"],
]
MEMBERS = [
    ["姓名", "手机号", "流动类型", "所在社区", "报到日期", "联系人", "状态"],
    ["张三", "13800000001", "流入", "环保社区", "2026-01-05", "网格员甲", ""],
    ["李四", "13800000002", "流出", "江汉区/北湖街道/世彩社区", "2026年1月5日", "", "在册"],
    ["王五", "13800000003", "流入", "华锦社区", "20260105", "网格员乙", "已返回"],
]
CONTACTS = [
    ["手机号", "联系日期", "联系方", "联系方式"],
    ["13800000001", "2026-11-10", "流入地党组织", "电话"],
    ["13800000001", "2026-11-01", "流出地党组织", "微信"],
    ["13800000002", "2026/11/12", "党员主动", ""],
]
VISITS = [
    ["站点名称", "服务时间", "服务项目", "手机号"],
    ["环保社区党群服务中心", "2026-11-10 12:30", "充电", "13800000001"],
    ["环保社区党群服务中心", "2026-11-11 18:05:09", "饮水", ""],
    ["环保社区党群服务中心", "2026-11-12 12:00", "歇脚", "13999999999"],
]
VOLUNTEER = [
    ["活动名称", "活动日期", "手机号", "时长", "活动类别", "所在社区"],
    ["环保社区文明创建", "2026-11-12", "13800000001", 2.5, "文明创建", "环保社区"],
]
DEMANDS = [
    ["编号", "类型", "提出日期", "所在社区", "状态", "办结日期", "内容", "来源", "站点名称", "手机号", "满意度"],
    [
        "SQ001",
        "诉求",
        "2026-11-02",
        "环保社区",
        "已办结",
        "2026/11/6",
        "楼道灯不亮",
        "驿站",
        "环保社区党群服务中心",
        "",
        "满意",
    ],  # fmt: skip
    ["SQ002", "诉求", "2026-11-09", "环保社区", "办理中", "", "小区门口积水", "走访", "", "13800000001", ""],
    ["XY001", "微心愿", "2026年11月10日", "华锦社区", "已受理", "", "想要一套课外书", "", "", "13800000003", ""],
]
ALL = {
    "区划.csv": AREAS,
    "服务站点.csv": STATIONS,
    "台账.csv": MEMBERS,
    "联系记录.csv": CONTACTS,
    "驿站服务记录.csv": VISITS,
    "志愿服务记录.csv": VOLUNTEER,
    "诉求台账.csv": DEMANDS,
}


_PACKAGE = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
}


def raw_xlsx(sheet_data: str | bytes, *, dimension: str = "A1") -> bytes:
    """A workbook of one sheet whose <sheetData> is written as given: the XML a crafted file holds, in a zip of
    about 1.5 KB (openpyxl would write every cell it is given, and check them)."""
    body = sheet_data.encode() if isinstance(sheet_data, str) else sheet_data
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="' + dimension.encode() + b'"/><sheetData>' + body + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, xml in _PACKAGE.items():
            archive.writestr(part, xml)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'
