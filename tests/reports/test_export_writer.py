"""The export writer (reports.exports.base) and the exports' reader (reports.exports.reading):
a column's number format, streamed tables against their announced count, empty tables with
their header, and COPY's rows equal to what the ORM gives."""

import datetime
import decimal
import io

import pytest
from openpyxl import load_workbook

from reports.exports import results
from reports.exports.base import DATE_FORMAT, Column, SheetWriter, column_format
from reports.exports.reading import field_parser, row_typed, rows_read
from scoring.models import Result


@pytest.mark.parametrize(
    ("column", "sample", "expected"),
    [
        (Column("x"), datetime.date(1990, 5, 17), "dd/mm/yyyy"),
        (Column("x"), datetime.datetime(2023, 9, 2, 23, 30), None),  # the writer's datetime
        (Column("x"), "17/05/1990", None),
        (Column("x"), None, None),
        (Column("x", number_format="0.00%"), 0.5, "0.00%"),
        (Column("x", number_format="dd/mm/yyyy"), None, "dd/mm/yyyy"),
    ],
)
def test_column_format(column, sample, expected):
    assert column_format(column, sample) == expected


@pytest.mark.parametrize(
    ("internal_type", "text", "expected"),
    [
        ("CharField", 'Đỗ, "Nghĩa"', 'Đỗ, "Nghĩa"'),
        ("CharField", "", ""),
        ("TextField", "=1+1", "=1+1"),
        ("PositiveSmallIntegerField", "10", 10),
        ("BigIntegerField", "", None),
        ("ForeignKey", "7", 7),
        ("DateField", "1990-05-17", datetime.date(1990, 5, 17)),
        ("DateField", "", None),
        (
            "DateTimeField",
            "2023-09-02 16:30:00.25+00",
            datetime.datetime(2023, 9, 2, 16, 30, 0, 250000, tzinfo=datetime.UTC),
        ),
        ("DecimalField", "7.25", decimal.Decimal("7.25")),
        ("FloatField", "0.5", 0.5),
        ("BooleanField", "t", True),
        ("BooleanField", "f", False),
        ("BooleanField", "", None),
    ],
)
def test_field_parser(internal_type, text, expected):
    parse = field_parser(internal_type)
    typed = [] if parse is None else [(0, parse)]
    assert row_typed([text], typed) == [expected]


def saved(writer):
    buffer = io.BytesIO()
    writer.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_streamed_table_split_by_its_count_and_empty_tables_keep_their_header():
    writer = SheetWriter(rows_per_sheet=2)
    writer.start("Trống", [Column("A"), Column("B")])
    rows = ((i, datetime.date(2023, 9, i)) for i in range(1, 6))
    writer.start("Dòng", [Column("Số"), Column("Ngày")], rows=rows, count=5)
    writer.start("Không có", [Column("C")], rows=iter(()), count=0)
    assert writer.rows_written == 0  # the streamed rows are read while saving
    wb = saved(writer)
    assert writer.rows_written == 5
    assert wb.sheetnames == ["Trống", "Dòng", "Dòng (2)", "Dòng (3)", "Không có"]
    assert [[c.value for c in r] for r in wb["Trống"].iter_rows()] == [["A", "B"]]
    assert [[c.value for c in r] for r in wb["Không có"].iter_rows()] == [["C"]]
    assert [[c.value for c in r] for r in wb["Dòng (3)"].iter_rows()] == [
        ["Số", "Ngày"],
        [5, datetime.datetime(2023, 9, 5)],
    ]
    assert wb["Dòng (2)"]["B2"].number_format == DATE_FORMAT
    assert all(wb[name].freeze_panes == "A2" for name in wb.sheetnames)
    assert wb["Dòng"]["A1"].font.b and wb["Dòng"]["A1"].alignment.wrap_text


def test_short_rows_are_padded_and_more_rows_than_announced_fail():
    writer = SheetWriter()
    writer.start("Ngắn", [Column("A"), Column("B"), Column("C")])
    writer.append(("x",))
    writer.append(("y", None, 3))
    assert [[c.value for c in r] for r in saved(writer)["Ngắn"].iter_rows(min_row=2)] == [
        ["x", None, None],
        ["y", None, 3],
    ]
    writer = SheetWriter()
    writer.start("Dài", [Column("A")], rows=iter([(1,), (2,)]), count=1)
    with pytest.raises(RuntimeError, match="nhiều hơn 1 dòng"):
        writer.save(io.BytesIO())


def test_equal_headers_refused():
    with pytest.raises(ValueError, match="cùng tên"):
        SheetWriter().start("Trùng", [Column("A"), Column("A")])


# The text columns of results.FIELDS (names, numbers, age group, phone, category).
TEXT = {0, 1, 3, 4, 5, 10, 11}


def test_rows_read_equals_the_orm(small_contest):
    """COPY's rows, typed back, are the ORM's rows in the same order (text NULL as "")."""
    registration = small_contest.registrations.get(participant__full_name="Trần Thị Lan")
    registration.participant.full_name = 'Trần "Lan", dòng 1\ndòng 2'
    registration.participant.save()
    ranked = Result.objects.filter(contest=small_contest).order_by("-correct_count", "pk")
    queryset = ranked.values_list(*results.FIELDS)
    count, rows = rows_read(queryset)
    expected = [
        tuple("" if v is None and i in TEXT else v for i, v in enumerate(row)) for row in queryset
    ]
    assert count == len(expected) == 5
    assert [tuple(row) for row in rows] == expected
    assert expected[0][9].utcoffset() == datetime.timedelta(0)
    assert 'Trần "Lan", dòng 1\ndòng 2' in {row[0] for row in expected}
    assert {row[11] for row in expected} == {""} and None in {row[7] for row in expected}


def test_rows_read_without_postgresql_reads_the_queryset(small_contest, monkeypatch):
    """The embedded demo (SQLite) has no COPY: the rows are the queryset's own."""
    from django.db import connections

    queryset = (
        Result.objects.filter(contest=small_contest).order_by("pk").values_list(*results.FIELDS)
    )
    monkeypatch.setattr(connections[queryset.db], "vendor", "sqlite")
    count, rows = rows_read(queryset)
    assert count == 5
    assert list(rows) == list(queryset)
