"""Reading the State Council's holiday notice for one year from an uploaded file.

The file is CSV (UTF-8 with or without BOM, or GB18030) or xlsx, recognised by its
content, with the columns 日期 (YYYY-MM-DD), 类型 (休 or 班) and 名称. Everything here
is pure: :func:`parse_calendar_file` returns the rows and every error found (in
Chinese, with the file's row numbers); the caller stores nothing unless there are none.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

REST = "休"
WORK = "班"
HEADERS = ("日期", "类型", "名称")
NAME_MAX = 50
MAX_ROWS = 500
WEEKDAYS = "一二三四五六日"

_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def weekday_label(day: date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


@dataclass(frozen=True)
class CalendarRow:
    """One valid row: ``line`` is its row number in the file (the header is row 1)."""

    line: int
    day: date
    kind: str  # 休 | 班
    name: str

    @property
    def is_workday(self) -> bool:
        return self.kind == WORK

    @property
    def is_exception(self) -> bool:
        """Whether the day differs from its weekday (a 休 on a weekend does not)."""
        return self.is_workday != (self.day.weekday() < 5)

    @property
    def stored_name(self) -> str:
        if not self.is_workday or self.name.endswith("班"):
            return self.name
        return f"{self.name}调休上班" if self.name else "调休上班"


@dataclass
class ParsedCalendar:
    fmt: str = ""
    year: int | None = None
    rows: list[CalendarRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def holidays(self) -> list[CalendarRow]:
        return [r for r in self.rows if not r.is_workday and r.is_exception]

    @property
    def makeup_days(self) -> list[CalendarRow]:
        return [r for r in self.rows if r.is_workday]

    @property
    def weekend_rest(self) -> list[CalendarRow]:
        return [r for r in self.rows if not r.is_workday and not r.is_exception]


class UnreadableFile(Exception):
    """The upload is not a CSV or xlsx file this module can read; ``str`` says why."""


# -- reading -----------------------------------------------------------------------
def detect_format(data: bytes) -> str:
    """ "xlsx" or "csv" by content (not by the file name); UnreadableFile otherwise."""
    if not data.strip():
        raise UnreadableFile("文件为空，请选择填好的 CSV 或 xlsx 文件。")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableFile("文件已损坏，无法作为 xlsx 读取。") from exc
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UnreadableFile("该压缩文件不是 Excel（xlsx）工作簿，请上传 CSV 或 xlsx 文件。")
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后上传。"
        )
    if b"\x00" in data:
        raise UnreadableFile("文件类型不支持，请上传 CSV 或 xlsx 文件。")
    return "csv"


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030 (Excel's CSV on Chinese Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            "无法识别文件编码，请将 CSV 保存为 UTF-8 或 GB18030（GBK）编码。"
        ) from exc


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [(n, [_cell(c) for c in row]) for n, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        message = f"CSV 格式有误（第{reader.line_num}行）：请检查引号和分隔符。"
        raise UnreadableFile(message) from exc


def read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    """The first worksheet's rows (at most MAX_ROWS + a few, to bound the work)."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                rows: list[tuple[int, list[str]]] = []
                for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    rows.append((n, [_cell(v) for v in values]))
                    if n > MAX_ROWS + 10:
                        break
            finally:
                book.close()
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        message = "无法读取该 xlsx 文件，请确认它是用 Excel 或 WPS 保存的工作簿。"
        raise UnreadableFile(message) from exc
    return rows


def read_table(data: bytes) -> tuple[str, list[tuple[int, list[str]]]]:
    fmt = detect_format(data)
    return fmt, read_xlsx(data) if fmt == "xlsx" else read_csv(data)


# -- validating --------------------------------------------------------------------
def parse_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _header(table: list[tuple[int, list[str]]], result: ParsedCalendar) -> dict[str, int] | None:
    if not table:
        result.errors.append("文件中没有内容，请按模板填写表头和数据行。")
        return None
    line, cells = table[0]
    names = [c.strip().lstrip("\ufeff") for c in cells]
    missing = [h for h in HEADERS if h not in names]
    if missing:
        result.errors.append(
            f"第{line}行：表头缺少“{'”“'.join(missing)}”列，"
            "表头应为“日期,类型,名称”（可下载模板参照填写）。"
        )
        return None
    return {h: names.index(h) for h in HEADERS}


def _check_row(line: int, cells: list[str], columns: dict[str, int]) -> CalendarRow | list[str]:
    def get(name: str) -> str:
        index = columns[name]
        return cells[index].strip() if index < len(cells) else ""

    errors = []
    raw_day, kind, name = get("日期"), get("类型"), get("名称")
    day = parse_date(raw_day)
    if not raw_day:
        errors.append(f"第{line}行：缺少日期。")
    elif day is None:
        errors.append(f"第{line}行：日期“{raw_day}”无效，应为 YYYY-MM-DD 格式的真实日期。")
    if kind not in (REST, WORK):
        shown = f"“{kind}”" if kind else "为空"
        errors.append(
            f"第{line}行：类型{shown}无法识别，只能填“{REST}”（放假）或“{WORK}”（调休上班）。"
        )
    if not name and kind == REST:
        errors.append(f"第{line}行：请填写名称（节日名称，如“春节”）。")
    if len(name) > NAME_MAX:
        errors.append(f"第{line}行：名称不能超过{NAME_MAX}字。")
    if day is not None and kind == WORK and day.weekday() < 5:
        errors.append(
            f"第{line}行：{day.isoformat()}是{weekday_label(day)}，本来就是工作日；"
            f"类型“{WORK}”只用于周六、周日的调休上班日。"
        )
    if errors or day is None:
        return errors
    return CalendarRow(line=line, day=day, kind=kind, name=name)


def validate_table(table: list[tuple[int, list[str]]], fmt: str = "") -> ParsedCalendar:
    """Check every row; the result's ``errors`` lists all problems found."""
    result = ParsedCalendar(fmt=fmt)
    table = [(line, cells) for line, cells in table if any(c.strip() for c in cells)]
    columns = _header(table, result)
    if columns is None:
        return result
    data = table[1:]
    if not data:
        result.errors.append("文件中只有表头，没有数据行。")
        return result
    if len(data) > MAX_ROWS:
        result.errors.append(f"数据行过多（超过{MAX_ROWS}行），一次只能导入一个年度的安排。")
        return result
    checked_rows: list[CalendarRow] = []
    errors: list[tuple[int, str]] = []
    for line, cells in data:
        checked = _check_row(line, cells, columns)
        if isinstance(checked, list):
            errors.extend((line, message) for message in checked)
        else:
            checked_rows.append(checked)
    errors.extend(_check_together(checked_rows, result))
    result.errors.extend(message for _, message in sorted(errors, key=lambda e: e[0]))
    if result.errors:
        result.rows = []
    return result


def _check_together(rows: list[CalendarRow], result: ParsedCalendar) -> list[tuple[int, str]]:
    """One year per file (the one most rows give), no date twice. Fills ``result``."""
    if not rows:
        return []
    counts = Counter(r.day.year for r in rows)
    year = max(counts, key=lambda y: (counts[y], -min(r.line for r in rows if r.day.year == y)))
    first_line = min(r.line for r in rows if r.day.year == year)
    result.year = year
    errors = []
    seen: dict[date, int] = {}
    for r in rows:
        if r.day.year != year:
            errors.append(
                (
                    r.line,
                    f"第{r.line}行：{r.day.isoformat()}属于{r.day.year}年，与第{first_line}行"
                    f"等的{year}年不同；一次只能导入一个年度。",
                )
            )
        elif r.day in seen:
            errors.append(
                (r.line, f"第{r.line}行：日期{r.day.isoformat()}与第{seen[r.day]}行重复。")
            )
        else:
            seen[r.day] = r.line
            result.rows.append(r)
    return errors


def parse_calendar_file(data: bytes) -> ParsedCalendar:
    """Read and check an upload; an unreadable file gives a single error."""
    try:
        fmt, table = read_table(data)
    except UnreadableFile as exc:
        return ParsedCalendar(errors=[str(exc)])
    return validate_table(table, "xlsx" if fmt == "xlsx" else "CSV")


def template_csv(year: int) -> str:
    """The downloadable template: the header and two example rows for ``year``."""
    jan1 = date(year, 1, 1)
    feb_saturday = next(date(year, 2, d) for d in range(1, 8) if date(year, 2, d).weekday() == 5)
    rows = [HEADERS, (jan1.isoformat(), REST, "元旦"), (feb_saturday.isoformat(), WORK, "春节")]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return "\ufeff" + out.getvalue()
