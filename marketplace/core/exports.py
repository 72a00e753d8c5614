"""CSV and Excel downloads that stream, whatever their size.

Rows come from an iterator (a server-side cursor for long lists), so neither format is built in
memory: CSV is written line by line to the response; Excel is written by openpyxl's write-only
mode into an anonymous temporary file that is then streamed out and deleted on close.

Money columns hold integer centavos and come out as lempiras: `1250.00` in CSV, a number with
the format `"L" #,##0.00` in Excel. Aware datetimes are shown in Tegucigalpa time.
"""

import csv
import io
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import Response, send_file, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from marketplace.core.timeutil import LOCAL_TZ

# Excel guesses the encoding of a CSV file from this mark; without it accents come out garbled.
BOM = "\ufeff"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '"L" #,##0.00'
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CSV_CHUNK_ROWS = 500
# A cell starting with one of these is run as a formula by spreadsheets: never for user text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """One downloadable table: its headers, its rows and which columns hold centavos."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    money_columns: Collection[int] = field(default_factory=tuple)


def lempiras(centavos: int) -> Decimal:
    """Integer centavos as an exact decimal amount of lempiras: 125000 -> Decimal('1250.00')."""
    return Decimal(int(centavos)).scaleb(-2)


def local_naive(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value


def csv_response(table: Table, filename: str) -> Response:
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(table.headers)
        yield BOM + _drain(buffer)
        for n, row in enumerate(table.rows, 1):
            writer.writerow(_csv_row(row, table.money_columns))
            if n % CSV_CHUNK_ROWS == 0:
                yield _drain(buffer)
        yield _drain(buffer)

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_row(row: Sequence, money_columns: Collection[int]) -> list:
    out = []
    for i, value in enumerate(row):
        if value is None:
            value = ""
        elif i in money_columns:
            value = f"{lempiras(value)}"
        elif isinstance(value, datetime):
            value = local_naive(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
            value = "'" + value
        out.append(value)
    return out


def xlsx_response(table: Table, filename: str) -> Response:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(table.title))
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, font=bold) for header in table.headers])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, i, v, table.money_columns) for i, v in enumerate(row)])
    # Deleted by the OS as soon as the response has been sent and closes it.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return send_file(
        output, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename, max_age=0
    )


def _xlsx_cell(sheet, i: int, value, money_columns: Collection[int]):
    if value is None:
        return None
    if i in money_columns:
        return _cell(sheet, lempiras(value), number_format=MONEY_FORMAT)
    if isinstance(value, datetime):
        return _cell(sheet, local_naive(value), number_format=DATETIME_FORMAT)
    if isinstance(value, str):
        cell = _cell(sheet, value)
        cell.data_type = "s"  # text that starts with "=" stays text, never a formula
        return cell
    return value


def _cell(sheet, value, font=None, number_format=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in sheet names and more than 31 characters.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Datos"


def export_response(table: Table, stem: str, fmt: str) -> Response:
    """The table as `<stem>.csv` or `<stem>.xlsx` (routes restrict fmt to these two)."""
    respond = xlsx_response if fmt == "xlsx" else csv_response
    return respond(table, f"{stem}.{fmt}")
