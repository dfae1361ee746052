#!/usr/bin/python3
"""read_make_fixtures.py — makes the read_* fixtures of test_csv_read.c and test_xlsx_read.c.

Run from anywhere: /usr/bin/python3 tests/unit/data/read_make_fixtures.py (Debian's python3
with python3-openpyxl). The generated files are committed; run this again only to change
them. Every value the tests expect is written here in plain words next to what makes it.

  read_customers.xlsx   openpyxl: Chinese shared strings, numbers, a date, a date-time, a
                        boolean, an empty cell inside a row, a blank row, a second sheet
  read_offset.xlsx      openpyxl: the first two rows and column A empty
  read_handmade.xlsx    written by hand like other producers do: prefixed namespaces, an
                        absolute relationship target, the first sheet stored as sheet2.xml,
                        inline strings, rich text and phonetic runs, _x000D_ escapes,
                        t="str", t="e", t="d", cells without references, built-in date
                        formats 14 and 22 and a Chinese custom date format
  read_date1904.xlsx    by hand: a workbook in the 1904 date system
  read_gb18030.csv      "客户名称,电话\\r\\n华信科技,0571-88886666\\r\\n" in GB18030, plus a
                        four-byte GB18030 character (U+1F600)
  read_utf8.csv         the same text in UTF-8 without a byte order mark
  read_utf8_bom.csv     the same text in UTF-8 with a byte order mark
  read_bad_encoding.csv GB18030 text whose row 3, column B holds bytes valid in neither
                        GB18030 nor UTF-8
"""
import datetime
import os
import re
import zipfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
# Fixed timestamps inside the zip files, so that running the script twice gives the same bytes.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def path(name):
    return os.path.join(HERE, name)


def fix_zip_times(name):
    """Rewrites a zip with fixed entry times and document dates (openpyxl stamps the time)."""
    with zipfile.ZipFile(path(name)) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    fixed = b"2026-01-01T00:00:00Z"
    entries = [(n, re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + fixed, d))
               for n, d in entries]
    write_zip(name, entries)


def write_zip(name, entries):
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED) as z:
        for filename, data in entries:
            info = zipfile.ZipInfo(filename, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def customers():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    # Row 1: the header.
    ws.append(["客户名称", "电话", "数量", "单价", "安装日期", "登记时间", "在保", "备注"])
    # Row 2: every kind of value.
    ws.append(["华信科技", "0571-88886666", 3, 1234.5, datetime.date(2026, 11, 28),
               datetime.datetime(2026, 11, 28, 14, 30, 0), True, "第一行\n第二行"])
    # Row 3: a phone number kept as a number, an empty cell (C3), a date shown with the
    # built-in format 14, FALSE, a negative and a small decimal.
    ws["A3"] = "东方电气"
    ws["B3"] = 13800138000
    ws["D3"] = 0.1
    ws["E3"] = datetime.date(2025, 1, 31)
    ws["E3"].number_format = "mm-dd-yy"  # built-in id 14
    ws["G3"] = False
    ws["H3"] = -7
    # Row 4 blank; row 5 a Chinese custom date format and a percentage that stays a number.
    ws["A5"] = "西湖水务"
    ws["E5"] = datetime.date(2024, 2, 29)
    ws["E5"].number_format = 'yyyy"年"m"月"d"日"'
    ws["F5"] = 0.25
    ws["F5"].number_format = "0%"
    other = wb.create_sheet("其他")
    other.append(["不应读到", "second sheet"])
    wb.save(path("read_customers.xlsx"))
    fix_zip_times("read_customers.xlsx")


def offset():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"] = "名称"
    ws["C3"] = "型号"
    ws["B4"] = "空压机"
    ws["C4"] = "GA-37"
    wb.save(path("read_offset.xlsx"))
    fix_zip_times("read_offset.xlsx")


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade():
    # The workbook lists "首页" (rId7 → sheet2.xml) first and "旧" (rId2 → sheet1.xml) second.
    workbook = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="{MAIN}" xmlns:rel="{RELS}">
<x:sheets><x:sheet name="首页" sheetId="2" rel:id="rId7"/><x:sheet name="旧" sheetId="1" rel:id="rId2"/></x:sheets>
</x:workbook>"""
    workbook_rels = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId2" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId7" Type="{RELS}/worksheet" Target="/xl/worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId4" Type="{RELS}/styles" Target="./styles.xml"/>
<Relationship Id="rId5" Type="{RELS}/hyperlink" Target="http://example.com/" TargetMode="External"/>
</Relationships>"""
    # 0: plain; 1: rich text runs with a phonetic guide left out; 2: an escaped CR LF and an
    # escaped "_x" (_x005F_); 3: leading and trailing spaces kept.
    shared = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:sst xmlns:x="{MAIN}" count="4" uniqueCount="4">
<x:si><x:t>售后服务</x:t></x:si>
<x:si><x:r><x:t>华信</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t xml:space="preserve">科技 </x:t></x:r><x:rPh sb="0" eb="2"><x:t>かしん</x:t></x:rPh></x:si>
<x:si><x:t>第一行_x000D_
第二行 _x005F_x0041_</x:t></x:si>
<x:si><x:t xml:space="preserve">  两端空格  </x:t></x:si>
</x:sst>"""
    # cellXfs: 0 General, 1 id 14 (date), 2 id 22 (date and time), 3 custom 176 Chinese date,
    # 4 custom 177 time of day only (stays a number).
    styles = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}">
<numFmts count="2"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="177" formatCode="h:mm"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="22"/><xf numFmtId="176"/><xf numFmtId="177"/></cellXfs>
</styleSheet>"""
    # Row 1: shared strings 0..3. Row 2: inline strings (plain, rich with a phonetic guide,
    # escaped), a formula string, an error, TRUE. Row 3 (a row without its number): cells
    # without references in A and B, then D3 with one, then E without.
    # Row 6: dates: 46354 with id 14, 46354.75 with id 22, 45351 with the Chinese format,
    # 0.5 as a time of day (stays "0.5"), a t="d" date.
    sheet2 = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="{MAIN}">
<x:dimension ref="A1:F6"/>
<x:sheetData>
<x:row r="1">
  <x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>
  <x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="s"><x:v>3</x:v></x:c>
</x:row>
<x:row r="2">
  <x:c r="A2" t="inlineStr"><x:is><x:t>行内文字</x:t></x:is></x:c>
  <x:c r="B2" t="inlineStr"><x:is><x:r><x:t>空</x:t></x:r><x:r><x:t>压机</x:t></x:r><x:rPh><x:t>くう</x:t></x:rPh></x:is></x:c>
  <x:c r="C2" t="inlineStr"><x:is><x:t>A_x000D_B</x:t></x:is></x:c>
  <x:c r="D2" t="str"><x:f>A1&amp;"!"</x:f><x:v>售后服务!</x:v></x:c>
  <x:c r="E2" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>
  <x:c r="F2" t="b"><x:v>1</x:v></x:c>
</x:row>
<x:row>
  <x:c><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c><x:c r="D3"><x:v>4</x:v></x:c><x:c><x:v>5</x:v></x:c>
</x:row>
<x:row r="6">
  <x:c r="A6" s="1"><x:v>46354</x:v></x:c>
  <x:c r="B6" s="2"><x:v>46354.75</x:v></x:c>
  <x:c r="C6" s="3"><x:v>45351</x:v></x:c>
  <x:c r="D6" s="4"><x:v>0.5</x:v></x:c>
  <x:c r="E6" t="d"><x:v>2026-11-28T00:00:00</x:v></x:c>
  <x:c r="F6" s="1"/>
</x:row>
</x:sheetData>
</x:worksheet>"""
    sheet1 = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>不应读到</t></is></c></row></sheetData></worksheet>"""
    write_zip("read_handmade.xlsx", [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/sharedStrings.xml", shared),
        ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml", sheet1),
        ("xl/worksheets/sheet2.xml", sheet2),
    ])


def date1904():
    workbook = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><workbookPr date1904="1"/>
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
    rels = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>
</Relationships>"""
    styles = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"""
    # 0 is 1904-01-01; 44892 is 2026-11-28 (1462 days fewer than in the 1900 system).
    sheet = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>44892</v></c></row></sheetData></worksheet>"""
    write_zip("read_date1904.xlsx", [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml", sheet),
    ])


def csv_files():
    text = "客户名称,电话\r\n华信科技,0571-88886666\r\n"
    with open(path("read_gb18030.csv"), "wb") as f:
        f.write((text + "笑脸,\U0001F600\r\n").encode("gb18030"))
    with open(path("read_utf8.csv"), "wb") as f:
        f.write(text.encode("utf-8"))
    with open(path("read_utf8_bom.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + text.encode("utf-8"))
    # 0x81 0x20 is a GB18030 lead byte followed by a space: valid in neither encoding.
    with open(path("read_bad_encoding.csv"), "wb") as f:
        f.write(text.encode("gb18030") + "东方电气,".encode("gb18030") + b"\x81\x20\r\n")


customers()
offset()
handmade()
date1904()
csv_files()
