"""Rewrites a month's CSV export as the .xlsx a clerk would have saved.

    bench/.venv/bin/python bench/csv_to_xlsx.py SRC.csv DST.xlsx

For the district-month timing of bench/run.sh: every CSV month of
examples/du-lieu/ becomes an .xlsx in the layout of the shipped June file
(examples/sample.rs `write_xlsx`): the lines before the header row kept at
their rows (title in bold), header row in bold, then one row per record.
Cells: dates (`dd/mm/yyyy HH:MM:SS` or `dd/mm/yyyy` under a header starting
with "Ngày") as real date cells; STT and the fee ("Phí…", `10.000` = ten
thousand) as numbers; everything else as text, empty cells left out.
The delimiter (`,` or `;`) is taken from the header row. Needs xlsxwriter.
"""

import csv
import datetime as dt
import io
import sys

import xlsxwriter


def is_header(row):
    return len(row) > 5 and any(c.strip().lower() in ("mã hồ sơ", "ma_ho_so") for c in row)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    text = open(src, encoding="utf-8-sig", newline="").read()
    lines = text.splitlines(keepends=True)
    # the header row: the first line naming the code column
    head = next(i for i, line in enumerate(lines)
                if is_header(next(csv.reader([line], delimiter=";" if line.count(";") > line.count(",") else ","))))
    delim = ";" if lines[head].count(";") > lines[head].count(",") else ","
    rows = list(csv.reader(io.StringIO("".join(lines[head:])), delimiter=delim))
    header = rows[0]
    dates = {i for i, h in enumerate(header) if h.strip().lower().startswith("ngày")}
    numbers = {i for i, h in enumerate(header) if h.strip().lower() in ("stt",)}
    money = {i for i, h in enumerate(header) if h.strip().lower().startswith("phí")}

    wb = xlsxwriter.Workbook(dst)  # shared strings, as Excel and the June file have them
    ws = wb.add_worksheet("Danh sách hồ sơ")
    bold = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    money_fmt = wb.add_format({"num_format": "#,##0"})
    for r, line in enumerate(lines[:head]):
        if line.strip():
            ws.write_string(r, 0, line.strip(), bold)
    for c, h in enumerate(header):
        ws.write_string(head, c, h, bold)
    for r, row in enumerate(rows[1:], start=head + 1):
        for c, v in enumerate(row):
            if v == "":
                continue
            if c in dates:
                for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
                    try:
                        ws.write_datetime(r, c, dt.datetime.strptime(v, fmt), date_fmt)
                        break
                    except ValueError:
                        pass
                else:
                    ws.write_string(r, c, v)
            elif c in numbers and v.isdigit():
                ws.write_number(r, c, int(v))
            elif c in money and v.replace(".", "").isdigit():
                ws.write_number(r, c, int(v.replace(".", "")), money_fmt)
            else:
                ws.write_string(r, c, v)
    wb.close()


if __name__ == "__main__":
    main()
