"""Cells of our spreadsheets as a person sees them: text exactly as typed (no apostrophe in
front of "-Đỗ Hữu Nghĩa" or a "+84…" phone), a string starting with "=" never a formula, dates
as real date cells shown dd/mm/yyyy. Checked in the XML and through a real spreadsheet
program (LibreOffice Calc, headless)."""

import csv
import datetime
import io
import os
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from reports.exports.base import Column, SheetWriter

VALUES = [
    "-Đỗ Hữu Nghĩa",
    "=1+1",
    "+84912345678",
    "@x",
    datetime.date(1990, 5, 17),
    datetime.datetime(2023, 9, 2, 23, 30),
    "001087123456",
]
SHOWN = [
    "-Đỗ Hữu Nghĩa",
    "=1+1",
    "+84912345678",
    "@x",
    "17/05/1990",
    "02/09/2023 23:30:00",
    "001087123456",
]


@pytest.fixture
def soffice_path():
    """LibreOffice, or a skip that says so (never a skip in CI: REQUIRE_BROWSER=1)."""
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("LibreOffice is required here (REQUIRE_BROWSER=1) but is not installed")
        pytest.skip(
            "LibreOffice is not installed: spreadsheet check skipped "
            "(apt-get install libreoffice-calc-nogui)"
        )
    return path


def workbook_bytes() -> bytes:
    writer = SheetWriter()
    writer.start(
        "Kiểm tra",
        [Column(h) for h in ("Họ tên", "Công thức", "Điện thoại", "A còng", "Ngày", "Lúc", "Số")],
    )
    writer.append(VALUES)
    buffer = io.BytesIO()
    writer.save(buffer)
    return buffer.getvalue()


def test_cells_are_text_as_typed_and_dates_are_dates():
    data = workbook_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    assert "'" not in xml  # no apostrophe added to any text
    sheet = load_workbook(io.BytesIO(data))["Kiểm tra"]
    row = sheet[2]
    assert [c.value for c in row] == [*VALUES[:4], datetime.datetime(1990, 5, 17), *VALUES[5:]]
    assert [c.data_type for c in row] == ["s", "s", "s", "s", "d", "d", "s"]
    assert row[4].number_format == "dd/mm/yyyy"
    assert row[5].number_format == "dd/mm/yyyy hh:mm:ss"


def test_libreoffice_shows_exact_texts(soffice_path, tmp_path):
    source = tmp_path / "cells.xlsx"
    source.write_bytes(workbook_bytes())
    # A private profile: parallel runs (and a desktop LibreOffice) do not collide.
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice_path,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",  # comma, quote, UTF-8, first line
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with open(tmp_path / "cells.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows == [
        ["Họ tên", "Công thức", "Điện thoại", "A còng", "Ngày", "Lúc", "Số"],
        SHOWN,
    ]
