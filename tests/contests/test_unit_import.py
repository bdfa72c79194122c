"""Unit import: from .xlsx (good file, every kind of bad file: exact Vietnamese messages with row
numbers, nothing written), from vietnam-provinces, the template download and the admin page."""

import io
import unicodedata
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from lxml import html as lxml_html
from openpyxl import Workbook, load_workbook
from vietnam_provinces import Province, Ward

from contests.models import Unit
from contests.selectors import unit_subtree
from contests.services import unit_import
from contests.services.unit_import import (
    units_import_province,
    units_import_xlsx,
    units_template_xlsx,
)

HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại", "Số người"]

# Also on SQLite (`make test`'s second pass): the embedded default `make demo` runs on.
pytestmark = pytest.mark.sqlite


def xlsx(rows, header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "don-vi.xlsx"
    return buffer


def assert_tree_consistent():
    """treebeard's own check (paths, depth, numchild), and siblings in code order as the
    database sorts codes (node_order_by), which later sorted insertions rely on."""
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    parents = [None, *Unit.objects.filter(numchild__gt=0)]
    for parent in parents:
        children = (
            Unit.objects.filter(depth=1)
            if parent is None
            else Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        )
        assert list(children.order_by("path").values_list("code", flat=True)) == list(
            children.order_by("code").values_list("code", flat=True)
        )
        if parent is not None:
            assert children.count() == parent.numchild


def snapshot():
    return sorted(Unit.objects.values_list("code", "path", "name", "kind", "headcount", "numchild"))


# --- Good files -----------------------------------------------------------------------------


def test_good_file_creates_units_parents_before_children(tree):
    # Children listed before their parent, parent codes pointing into the file and to an
    # existing unit, kinds by code and by Vietnamese label, headcounts as numbers and text.
    file = xlsx(
        [
            ["A-1-T2", "Tổ dân phố 2", "A-1", "other", "1.200"],
            ["A-3-T1", "Tổ dân phố 1", "A-3", "đơn vị khác", None],
            ["A-3", "Phường A3", "A", "Phường/Xã/Thị trấn", 3500],
            ["A-3-S", "Trường THCS A3", "A-3", "school", 900.0],
            [4711, "Đơn vị mã số", "A", "", ""],
        ]
    )
    report = units_import_xlsx(file=file)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    assert report.summary() == (
        "Đã nhập: 5 đơn vị mới, 0 đơn vị được cập nhật, 0 đơn vị không đổi."
    )
    a3 = Unit.objects.get(code="A-3")
    assert (a3.name, a3.kind, a3.headcount, Unit.objects.get_parent(a3).code) == (
        "Phường A3",
        Unit.Kind.WARD,
        3500,
        "A",
    )
    assert sorted(u.code for u in unit_subtree(unit=a3)) == ["A-3", "A-3-S", "A-3-T1"]
    assert Unit.objects.get(code="A-1-T2").headcount == 1200
    assert Unit.objects.get(code="A-3-T1").kind == Unit.Kind.OTHER
    assert Unit.objects.get(code="A-3-S").headcount == 900
    assert Unit.objects.get(code="4711").kind == Unit.Kind.OTHER
    # "4711" sorts before A's existing children: treebeard's sorted insertion (the slow path).
    assert [u.code for u in Unit.objects.get_children(tree["A"])] == ["4711", "A-1", "A-2", "A-3"]
    assert_tree_consistent()


def test_large_new_subtree_is_bulk_created_in_a_few_queries(tree, django_assert_max_num_queries):
    # A district with 20 wards of 9 schools each (201 units), wards listed in reverse, under
    # the districts block whose existing children (A, B) sort before "D".
    rows = [["D", "Quận D", "C-Q", "district", 100_000]]
    for w in reversed(range(20)):
        rows.append([f"D-{w}", f"Phường D{w}", "D", "ward", 5_000])
        rows += [[f"D-{w}-S{s}", f"Trường {s}", f"D-{w}", "school", 500] for s in range(9)]
    file = xlsx(rows)
    with django_assert_max_num_queries(20):
        report = units_import_xlsx(file=file)
    assert (report.created, report.errors) == (201, [])
    assert unit_subtree(unit=Unit.objects.get(code="D")).count() == 201
    assert Unit.objects.get(code="C-Q").numchild == 3
    assert Unit.objects.get(code="D-7").numchild == 9
    assert Unit.objects.get_parent(Unit.objects.get(code="D-13-S4")).code == "D-13"
    assert_tree_consistent()


def test_new_child_of_a_unit_updated_by_the_same_file(tree):
    file = xlsx(
        [["A-1", "Phường A Một", "A", "ward", 200], ["A-1-T1", "Tổ 1", "A-1", "other", None]]
    )
    report = units_import_xlsx(file=file)
    assert (report.created, report.updated, report.errors) == (1, 1, [])
    assert Unit.objects.get_parent(Unit.objects.get(code="A-1-T1")).code == "A-1"
    assert_tree_consistent()


def test_same_file_twice_updates_instead_of_duplicating(tree):
    rows = [["A-3", "Phường A3", "A", "ward", 3500], ["A-3-1", "Tổ 1", "A-3", "other", 10]]
    units_import_xlsx(file=xlsx(rows))
    rows[0][1] = "Phường A Ba"
    report = units_import_xlsx(file=xlsx(rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert Unit.objects.get(code="A-3").name == "Phường A Ba"
    assert Unit.objects.filter(code__startswith="A-3").count() == 2


def test_empty_parent_code_goes_under_the_given_parent(tree):
    report = units_import_xlsx(file=xlsx([["B-9", "Phường B9", None, "ward", 1]]), parent=tree["B"])
    assert report.ok
    assert Unit.objects.get_parent(Unit.objects.get(code="B-9")).code == "B"


def test_empty_parent_code_without_parent_makes_a_root(db):
    report = units_import_xlsx(file=xlsx([["HP", "Thành phố Hải Phòng", "", "province", None]]))
    assert report.ok
    assert Unit.objects.get(code="HP").depth == 1


def test_english_headers_and_extra_columns_are_accepted(tree):
    file = xlsx(
        [["A-7", "Phường A7", "A", "ward", 7, "ghi chú"]],
        header=["code", "name", "parent code", "kind", "headcount", "note"],
    )
    assert units_import_xlsx(file=file).ok


# --- Bad files: every row reported, nothing written ------------------------------------------


def test_bad_rows_are_all_reported_and_nothing_is_written(tree):
    before = snapshot()
    file = xlsx(
        [
            ["A-3", "Phường A3", "A", "ward", 100],  # 2: fine
            ["A-4", "", "A", "ward", 100],  # 3: missing name
            ["A-3", "Phường A3 lặp", "A", "ward", 100],  # 4: duplicate of row 2
            ["A-5", "Phường A5", "KHONG-CO", "ward", 100],  # 5: unknown parent
            ["A-6", "Phường A6", "A", "quận", 100],  # 6: unknown kind
            ["A-7", "Phường A7", "A", "ward", "nhiều"],  # 7: headcount not a number
            ["A-8", "Phường A8", "A", "ward", -5],  # 8: negative headcount
            [None, "Không mã", "A", "ward", 1],  # 9: missing code
            ["X1", "Vòng 1", "X2", "other", None],  # 10: cycle X1 → X2 → X1
            ["X2", "Vòng 2", "X1", "other", None],  # 11
            ["S", "Tự làm cấp trên", "S", "other", None],  # 12: own parent
            ["A-9", "x" * 256, "A", "ward", 1],  # 13: name too long
            ["B-1", "Phường B1", "A", "ward", 500],  # 14: existing code, other parent
        ]
    )
    report = units_import_xlsx(file=file)
    assert report.error_lines() == [
        "Dòng 3, cột B (Tên đơn vị): thiếu tên đơn vị.",
        "Dòng 4, cột A (Mã đơn vị): mã đơn vị «A-3» trùng với dòng 2.",
        "Dòng 5, cột C (Mã đơn vị cấp trên): không tìm thấy đơn vị cấp trên có mã «KHONG-CO».",
        "Dòng 6, cột D (Loại): loại đơn vị «quận» không hợp lệ; chọn một trong: Tỉnh/Thành "
        "phố; Khối; Quận/Huyện/Thị xã; Phường/Xã/Thị trấn; Sở, ban, ngành; Trường học; "
        "Doanh nghiệp; Đơn vị khác.",
        "Dòng 7, cột E (Số người): số người «nhiều» không phải là số nguyên không âm.",
        "Dòng 8, cột E (Số người): số người «-5» không phải là số nguyên không âm.",
        "Dòng 9, cột A (Mã đơn vị): thiếu mã đơn vị.",
        "Dòng 10, cột C (Mã đơn vị cấp trên): mã đơn vị «X1» nằm trong vòng lặp cấp trên: "
        "X1 → X2 → X1.",
        "Dòng 11, cột C (Mã đơn vị cấp trên): mã đơn vị «X2» nằm trong vòng lặp cấp trên: "
        "X1 → X2 → X1.",
        "Dòng 12, cột C (Mã đơn vị cấp trên): đơn vị «S» không thể là cấp trên của chính nó.",
        "Dòng 13, cột B (Tên đơn vị): tên đơn vị dài quá 255 ký tự.",
        "Dòng 14, cột C (Mã đơn vị cấp trên): mã đơn vị «B-1» đã có, thuộc đơn vị cấp trên "
        "khác; muốn chuyển đơn vị, hãy sửa trong trang quản trị đơn vị.",
    ]
    assert report.summary() == "Không nhập được: 12 lỗi, chưa có thay đổi nào được ghi."
    assert snapshot() == before


def test_a_row_with_a_bad_cell_is_still_checked_against_the_others(tree):
    """Every error in one pass: a bad cell does not hide the row's duplicate code or unknown
    parent (the next import would only have found them then), and a row below a row with a
    bad cell is not reported for it."""
    before = snapshot()
    file = xlsx(
        [
            ["A-3", "Phường A3", "A", "Phường/Xã/Thị trấn", 100],  # 2: fine
            ["A-3", "", "A", "ward", "nhiều"],  # 3: no name, bad count, and duplicate of 2
            ["A-4", "Phường A4", "KHONG-CO", "hạng sang", 1],  # 4: bad kind, unknown parent
            ["A-5", "Phường A5", 2.5, "ward", 1],  # 5: bad parent cell only
            ["A-5-1", "Tổ 1", "A-5", "other", 1],  # 6: below row 5, fine itself
        ]
    )
    assert units_import_xlsx(file=file).error_lines() == [
        "Dòng 3, cột A (Mã đơn vị): mã đơn vị «A-3» trùng với dòng 2.",
        "Dòng 3, cột B (Tên đơn vị): thiếu tên đơn vị.",
        "Dòng 3, cột E (Số người): số người «nhiều» không phải là số nguyên không âm.",
        "Dòng 4, cột C (Mã đơn vị cấp trên): không tìm thấy đơn vị cấp trên có mã «KHONG-CO».",
        "Dòng 4, cột D (Loại): loại đơn vị «hạng sang» không hợp lệ; chọn một trong: Tỉnh/Thành "
        "phố; Khối; Quận/Huyện/Thị xã; Phường/Xã/Thị trấn; Sở, ban, ngành; Trường học; "
        "Doanh nghiệp; Đơn vị khác.",
        "Dòng 5, cột C (Mã đơn vị cấp trên): mã đơn vị cấp trên phải là chữ hoặc số.",
    ]
    assert snapshot() == before


KINDS_TYPED = [
    ("Phường/Xã/Thị trấn", Unit.Kind.WARD),
    ("phường / xã / thị trấn", Unit.Kind.WARD),
    # typed in decomposed Unicode (some Vietnamese keyboards): looks the same, is the same
    (unicodedata.normalize("NFD", "Quận/Huyện/Thị xã"), Unit.Kind.DISTRICT),
    ("Sở,ban, ngành", Unit.Kind.DEPARTMENT),
    ("  Trường   học ", Unit.Kind.SCHOOL),
    ("school", Unit.Kind.SCHOOL),  # the old codes still work
    ("WARD", Unit.Kind.WARD),
    ("", Unit.Kind.OTHER),
]


def test_kind_by_vietnamese_label_or_old_code(tree):
    rows = [[f"K-{i}", f"Đơn vị {i}", "A", typed, 1] for i, (typed, _k) in enumerate(KINDS_TYPED)]
    report = units_import_xlsx(file=xlsx(rows))
    assert report.errors == []
    kinds = dict(Unit.objects.filter(code__startswith="K-").values_list("code", "kind"))
    assert kinds == {f"K-{i}": kind for i, (_typed, kind) in enumerate(KINDS_TYPED)}


def test_longer_cycle_is_reported_on_every_row(tree):
    file = xlsx(
        [
            ["P", "P", "R", "other", None],
            ["Q", "Q", "P", "other", None],
            ["R", "R", "Q", "other", None],
            ["Q-1", "hangs below the loop", "Q", "other", None],
        ]
    )
    before = snapshot()
    assert units_import_xlsx(file=file).error_lines() == [
        f"Dòng {row}, cột C (Mã đơn vị cấp trên): mã đơn vị «{code}» nằm trong vòng lặp cấp "
        "trên: P → R → Q → P."
        for row, code in ((2, "P"), (3, "Q"), (4, "R"))
    ]
    assert snapshot() == before


def test_wrong_types_in_cells(tree):
    import datetime

    file = xlsx(
        [
            [True, "Tên", "A", "ward", 1],
            ["A-3", datetime.datetime(2025, 7, 1), "A", "ward", 1],
            ["A-4", "Tên", "A", "ward", 1.5],
            ["A-5", "Tên", 2.5, "ward", 1],
        ]
    )
    assert units_import_xlsx(file=file).error_lines() == [
        "Dòng 2, cột A (Mã đơn vị): mã đơn vị phải là chữ hoặc số.",
        "Dòng 3, cột B (Tên đơn vị): tên đơn vị phải là chữ.",
        "Dòng 4, cột E (Số người): số người «1.5» không phải là số nguyên không âm.",
        "Dòng 5, cột C (Mã đơn vị cấp trên): mã đơn vị cấp trên phải là chữ hoặc số.",
    ]
    assert not Unit.objects.filter(code__in=["A-3", "A-4", "A-5"]).exists()


def test_wrong_header_is_reported_on_row_1(tree):
    file = xlsx([["A-3", "Phường A3", "A", "ward", 1]], header=["Mã", "Họ tên", "", "", ""])
    assert units_import_xlsx(file=file).error_lines() == [
        "Dòng 1: tiêu đề các cột phải là: Mã đơn vị, Tên đơn vị, Mã đơn vị cấp trên, Loại, "
        "Số người (hãy dùng tệp mẫu)."
    ]


def test_header_only_file(tree):
    assert units_import_xlsx(file=xlsx([])).error_lines() == [
        "Tệp không có dòng dữ liệu nào (dưới dòng tiêu đề)."
    ]


NOT_XLSX = "Tệp không phải là tệp Excel .xlsx hợp lệ (hãy dùng tệp mẫu)."
BOMB = "Tệp Excel giải nén ra quá lớn hoặc bất thường (có thể là tệp độc hại): không nhập."


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"code,name,parent code,kind,headcount\nA-3,Phuong A3,A,ward,1\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # an old .xls (OLE2)
        b"PK\x03\x04 truncated zip",
    ],
    ids=["empty", "csv", "xls", "broken-zip"],
)
def test_not_an_xlsx(tree, content):
    before = snapshot()
    assert units_import_xlsx(file=io.BytesIO(content)).error_lines() == [NOT_XLSX]
    assert snapshot() == before


def test_a_zip_that_is_not_a_workbook(tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải Excel")
    assert units_import_xlsx(file=buffer).error_lines() == [NOT_XLSX]


def test_a_workbook_with_a_damaged_sheet(tree):
    good = xlsx([["A-3", "Phường A3", "A", "ward", 1]]).getvalue()
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    assert units_import_xlsx(file=damaged).error_lines() == [NOT_XLSX]
    assert not Unit.objects.filter(code="A-3").exists()


def test_zip_bomb_is_refused_before_openpyxl_opens_it(tree, monkeypatch):
    # 60 MB of zeros inflate from ~60 KB: refused by the declared sizes alone.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 200 * 1024

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", must_not_open)
    assert units_import_xlsx(file=buffer).error_lines() == [BOMB]


def test_high_compression_ratio_member_is_refused(tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b" " * (5 * 1024 * 1024))  # ~1000x
    assert units_import_xlsx(file=buffer).error_lines() == [BOMB]


def test_too_many_members_is_refused(tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(unit_import.MAX_MEMBERS + 1):
            archive.writestr(f"x/{i}", "")
    assert units_import_xlsx(file=buffer).error_lines() == [BOMB]


def test_too_large_upload_is_refused(tree, monkeypatch):
    monkeypatch.setattr(unit_import, "MAX_FILE_BYTES", 1000)
    file = xlsx([["A-3", "Phường A3", "A", "ward", 1]])
    size = len(file.getvalue())
    megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    assert units_import_xlsx(file=file).error_lines() == [
        f"Tệp quá lớn: {megabytes} MB, tối đa 0 MB."
    ]


def test_too_many_rows_is_refused(tree, monkeypatch):
    monkeypatch.setattr(unit_import, "MAX_ROWS", 3)
    rows = [[f"A-{i}0", f"Tổ {i}", "A", "other", None] for i in range(4)]
    assert units_import_xlsx(file=xlsx(rows)).error_lines() == [
        "Tệp có quá nhiều dòng: tối đa 3 đơn vị một lần."
    ]


def test_xml_entity_expansion_is_refused(tree):
    """A "billion laughs" sheet: the XML parser refuses it, the import reports a bad file."""
    good = xlsx([["A-3", "Phường A3", "A", "ward", 1]]).getvalue()
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = laughs.encode()
            target.writestr(item, data)
    assert units_import_xlsx(file=bomb).error_lines() == [NOT_XLSX]


# --- Scope: a district imports only under its own subtree ------------------------------------


def test_scoped_import_cannot_reach_outside_its_subtree(tree):
    before = snapshot()
    file = xlsx(
        [
            ["A-3", "Phường A3", "", "ward", 1],  # 2: fine, under A
            ["B-2", "Phường B2", "B", "ward", 1],  # 3: B is outside: "not found"
            ["B-1", "Phường B1", "A", "ward", 1],  # 4: B-1 exists outside A
            ["A", "Quận A mới", "", "district", 1],  # 5: A itself belongs to the level above
        ]
    )
    report = units_import_xlsx(file=file, within=tree["A"])
    assert report.error_lines() == [
        "Dòng 3, cột C (Mã đơn vị cấp trên): không tìm thấy đơn vị cấp trên có mã «B».",
        "Dòng 4, cột A (Mã đơn vị): mã đơn vị «B-1» đã được dùng cho một đơn vị khác.",
        "Dòng 5, cột A (Mã đơn vị): mã đơn vị «A» đã được dùng cho một đơn vị khác.",
    ]
    assert snapshot() == before
    report = units_import_xlsx(file=xlsx([["A-3", "Phường A3", "", "ward", 1]]), within=tree["A"])
    assert report.ok
    assert Unit.objects.get_parent(Unit.objects.get(code="A-3")).code == "A"


# --- vietnam-provinces ----------------------------------------------------------------------


def test_import_one_province_from_vietnam_provinces(db, django_assert_max_num_queries):
    wards = list(Ward.iter_by_province(Province.from_code(4).code))  # Cao Bằng
    with django_assert_max_num_queries(10):
        report = units_import_province(province_code="04")
    assert report.errors == []
    assert report.created == 1 + len(wards)
    province = Unit.objects.get(code="04")
    assert (province.name, province.kind, province.depth) == ("Cao Bằng", Unit.Kind.PROVINCE, 1)
    assert unit_subtree(unit=province).filter(kind=Unit.Kind.WARD).count() == len(wards)
    assert Unit.objects.get_children_count(province) == len(wards)
    first = min(wards, key=lambda w: int(w.code))
    assert Unit.objects.get(code=f"{int(first.code):05d}").name == first.name
    assert_tree_consistent()
    # Idempotent: a second run changes nothing and keeps headcounts entered since.
    Unit.objects.filter(code="04").update(headcount=530_000)
    report = units_import_province(province_code=4)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1 + len(wards))
    assert Unit.objects.get(code="04").headcount == 530_000


def test_unknown_province_code(db):
    report = units_import_province(province_code="02")  # Hà Giang merged into Tuyên Quang
    assert report.error_lines() == [
        "Không có tỉnh, thành phố mã «02» trong dữ liệu hành chính (34 tỉnh, thành phố từ "
        "01/7/2025)."
    ]
    assert Unit.objects.count() == 0


# --- The template ---------------------------------------------------------------------------


def test_template_is_an_importable_xlsx_with_the_right_columns(tree):
    content = units_template_xlsx()
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A2"].number_format == "@"
    assert "Hướng dẫn" in workbook.sheetnames
    # The "Loại" column offers the Vietnamese labels, listed on the guide sheet.
    (rule,) = sheet.data_validations.dataValidation
    assert (rule.type, str(rule.sqref)) == ("list", "D2:D1001")
    guide = workbook["Hướng dẫn"]
    listed = [c.value for (c,) in guide[rule.formula1.split("!")[1].replace("$", "")]]
    assert listed == [str(label) for _value, label in Unit.Kind.choices]
    assert listed[3] == "Phường/Xã/Thị trấn"
    examples = [row for row in guide.iter_rows(values_only=True) if row[0] == "TX-NC"]
    assert examples == [("TX-NC", "Phường Nhân Chính", "TX", "Phường/Xã/Thị trấn", 40000)]
    # Filled in, it imports.
    sheet.append(["A-3", "Phường A3", "A", "Phường/Xã/Thị trấn", 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert units_import_xlsx(file=buffer).ok


# --- The command ----------------------------------------------------------------------------


def test_command_imports_an_xlsx_under_a_parent(tree, tmp_path):
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(xlsx([["A-3", "Phường A3", "", "ward", 1]]).getvalue())
    out = io.StringIO()
    call_command("import_units", xlsx=str(path), parent="A", stdout=out)
    assert out.getvalue() == "Đã nhập: 1 đơn vị mới, 0 đơn vị được cập nhật, 0 đơn vị không đổi.\n"
    assert Unit.objects.get_parent(Unit.objects.get(code="A-3")).code == "A"


def test_command_fails_with_every_error(tree, tmp_path):
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(xlsx([["A-3", "", "A", "ward", 1], ["A-4", "x", "Z", "ward", 1]]).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_units", xlsx=str(path), stderr=err)
    assert err.getvalue() == (
        "Dòng 2, cột B (Tên đơn vị): thiếu tên đơn vị.\n"
        "Dòng 3, cột C (Mã đơn vị cấp trên): không tìm thấy đơn vị cấp trên có mã «Z».\n"
    )
    assert str(excinfo.value) == "Không nhập được: 2 lỗi, chưa có thay đổi nào được ghi."


def test_command_unknown_parent_and_missing_file(tree, tmp_path):
    with pytest.raises(CommandError, match="^Không có đơn vị mã «ZZ».$"):
        call_command("import_units", xlsx=str(tmp_path / "x.xlsx"), parent="ZZ")
    with pytest.raises(CommandError, match="^Không đọc được tệp .*x.xlsx.$"):
        call_command("import_units", xlsx=str(tmp_path / "x.xlsx"))


def test_command_imports_a_province(db):
    out = io.StringIO()
    call_command("import_units", province="12", stdout=out)  # Lai Châu
    count = len(list(Ward.iter_by_province(Province.from_code(12).code)))
    assert out.getvalue() == (
        f"Đã nhập: {count + 1} đơn vị mới, 0 đơn vị được cập nhật, 0 đơn vị không đổi.\n"
    )


# --- Admin: template download and the import page, through the real views --------------------

IMPORT_URL = "/quan-tri/contests/unit/nhap-tu-excel/"
TEMPLATE_URL = "/quan-tri/contests/unit/tai-mau/"


def login(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_post(client: Client, url: str, data: dict):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**data, "csrfmiddlewaretoken": page.context["csrf_token"]})


def test_template_download_via_admin(organisers):
    response = login(organisers["a"]).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-don-vi.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER


def test_changelist_links_to_import_and_template(organisers):
    response = login(organisers["a"]).get("/quan-tri/contests/unit/")
    assert response.status_code == 200
    assert f'href="{IMPORT_URL}"'.encode() in response.content
    assert f'href="{TEMPLATE_URL}"'.encode() in response.content


def test_admin_import_by_a_district_goes_under_its_unit(organisers, tree):
    client = login(organisers["a"])
    file = xlsx([["A-3", "Phường A3", "", "ward", 10], ["A-3-1", "Tổ 1", "A-3", "other", 2]])
    response = csrf_post(client, IMPORT_URL, {"file": file})
    assert response.status_code == 302
    assert response["Location"] == "/quan-tri/contests/unit/"
    assert Unit.objects.get_parent(Unit.objects.get(code="A-3")).code == "A"
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "Đã nhập: 2 đơn vị mới, 0 đơn vị được cập nhật, 0 đơn vị không đổi."
    ]


def test_admin_import_shows_every_error_row_by_row(organisers, tree):
    before = snapshot()
    client = login(organisers["a"])
    file = xlsx([["A-3", "", "", "ward", 10], ["B-2", "Phường B2", "B", "ward", 1]])
    response = csrf_post(client, IMPORT_URL, {"file": file})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không nhập được: 2 lỗi, chưa có thay đổi nào được ghi." in html
    rows = [
        [cell.text_content().strip() for cell in row.iter("td")]
        for row in lxml_html.fromstring(html).xpath('//table[@class="import-errors"]/tbody/tr')
    ]
    assert rows == [
        ["2", "B (Tên đơn vị)", "thiếu tên đơn vị."],
        ["3", "C (Mã đơn vị cấp trên)", "không tìm thấy đơn vị cấp trên có mã «B»."],
    ]
    assert snapshot() == before


def test_admin_import_of_a_non_xlsx_upload(organisers, tree):
    client = login(organisers["a"])
    file = io.BytesIO(b"not a spreadsheet")
    file.name = "don-vi.xlsx"
    response = csrf_post(client, IMPORT_URL, {"file": file})
    assert response.status_code == 200
    cells = lxml_html.fromstring(response.content.decode()).xpath(
        '//table[@class="import-errors"]//td'
    )
    assert [c.text_content() for c in cells] == ["—", "—", NOT_XLSX]


def test_admin_import_without_a_file(organisers, tree):
    response = csrf_post(login(organisers["a"]), IMPORT_URL, {})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Trường này là bắt buộc."]}


def test_admin_import_requires_csrf(organisers, tree):
    client = login(organisers["a"])
    response = client.post(IMPORT_URL, {"file": xlsx([["A-3", "Phường A3", "", "ward", 1]])})
    assert response.status_code == 403
    assert not Unit.objects.filter(code="A-3").exists()


def test_admin_import_city_may_choose_any_parent(organisers, tree):
    client = login(organisers["city"])
    file = xlsx([["B-2", "Phường B2", "", "ward", 1]])
    response = csrf_post(client, IMPORT_URL, {"file": file, "parent": tree["B"].pk})
    assert response.status_code == 302
    assert Unit.objects.get_parent(Unit.objects.get(code="B-2")).code == "B"


def test_admin_import_district_cannot_choose_a_parent_outside(organisers, tree):
    client = login(organisers["a"])
    file = xlsx([["B-2", "Phường B2", "", "ward", 1]])
    response = csrf_post(client, IMPORT_URL, {"file": file, "parent": tree["B"].pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "parent": [
            "Hãy chọn một lựa chọn hợp lệ. "
            "Lựa chọn đó không phải là một trong các lựa chọn khả thi."
        ]
    }
    assert not Unit.objects.filter(code="B-2").exists()


def test_admin_import_needs_the_add_permission(tree):
    from tests.conftest import make_organiser

    user = make_organiser(tree["A"], "no_perms")
    user.groups.clear()
    client = login(user)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403


def test_admin_import_anonymous_is_sent_to_login(db):
    response = Client().get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-tri/login/")


def test_command_requires_one_source(db):
    with pytest.raises(CommandError):
        call_command("import_units")


def test_a_code_that_is_not_ascii_is_a_row_error(tree):
    before = snapshot()
    report = units_import_xlsx(file=xlsx([["²", "Phường lạ", "A", "ward", 1]]), parent=tree["A"])
    assert not report.ok
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "mã đơn vị chỉ gồm chữ cái không dấu, chữ số và các dấu - _ .")
    ]
    assert snapshot() == before
