#!/usr/bin/python3
"""xlsx_read_back.py — reads an .xlsx the way a real reader does (Debian's python3-openpyxl)
and prints what test_xlsx.c checks, as JSON on one line.

Usage: xlsx_read_back.py FILE            every cell of the first sheet
       xlsx_read_back.py FILE --count    only the sheet names, row count and last row

Cells are null (no value) or {"t": openpyxl data type ("s" text, "n" number, "d" date,
"f" formula), "v": the value as text, "fmt": number format, "bold": bool}. Text is decoded
the way Excel decodes it (_xHHHH_ → the character; openpyxl 3.0 leaves that to us).
Numbers are the exact decimal of the double read, normalised (1234.5, 0, -0.05); dates
are "YYYY-MM-DD HH:MM:SS".
"""
import datetime
import decimal
import json
import re
import sys

import openpyxl

ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def text(value):
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def number(value):
    # repr() is the shortest text that reads back as the same double: what Excel shows.
    plain = format(decimal.Decimal(repr(value)).normalize(), "f")
    return "0" if plain in ("-0", "0") else plain


def cell_json(cell):
    value = cell.value
    if value is None:
        return None
    if isinstance(value, str):
        shown = text(value)
    elif isinstance(value, bool):
        shown = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float)):
        shown = number(value)
    elif isinstance(value, datetime.datetime):
        shown = value.strftime("%Y-%m-%d %H:%M:%S")
    else:
        shown = str(value)
    return {"t": cell.data_type, "v": shown, "fmt": cell.number_format,
            "bold": bool(cell.font and cell.font.b)}


def main():
    path = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--count":
        book = openpyxl.load_workbook(path, read_only=True)
        sheet = book.worksheets[0]
        count, last = 0, None
        for row in sheet.iter_rows(values_only=True):
            count += 1
            last = row
        print(json.dumps({"sheets": book.sheetnames, "rows": count,
                          "last": [None if v is None else str(v) for v in last]},
                         ensure_ascii=False))
        return
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    rows = [[cell_json(c) for c in row] for row in sheet.iter_rows()]
    print(json.dumps({"sheets": book.sheetnames, "freeze": sheet.freeze_panes,
                      "widths": widths, "rows": rows}, ensure_ascii=False))


main()
