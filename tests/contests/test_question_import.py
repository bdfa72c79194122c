"""Excel import/export of the question bank: all rows or none, every problem listed with its
row number in Vietnamese."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from contests.models import Question
from contests.services.question_import import (
    HEADERS,
    QuestionImportError,
    question_bank_export,
    question_bank_import,
    question_bank_template,
)
from tests.factories import ContestFactory, QuestionFactory, TopicFactory

GOOD_ROWS = [
    [
        "Định danh điện tử",
        "Nghị định số 59/2022/NĐ-CP được ban hành ngày nào?",
        "05/9/2022",
        "24/3/2023",
        "01/9/2023",
        "",
        "",
        "",
        "A",
        "Dễ",
        "Nghị định số 59/2022/NĐ-CP ngày 05/9/2022 của Chính phủ.",
        "Nghị định số 59/2022/NĐ-CP",
    ],
    [
        "Giải thưởng",
        "Giải Nhất cá nhân cấp quận Thanh Xuân trị giá bao nhiêu?",
        "1.000.000 đồng",
        "3.000.000 đồng",
        "",
        "",
        "",
        "",
        "b",
        "",
        "",
        "",
    ],
]


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Câu hỏi"
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def contest(tree):
    contest = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    TopicFactory(contest=contest, name="Định danh điện tử")
    TopicFactory(contest=contest, name="Giải thưởng")
    return contest


def test_good_file(contest):
    result = question_bank_import(contest=contest, data=xlsx(GOOD_ROWS))
    assert result.created == 2
    assert result.per_topic == {"Định danh điện tử": 1, "Giải thưởng": 1}
    first = Question.objects.get(text="Nghị định số 59/2022/NĐ-CP được ban hành ngày nào?")
    assert (first.topic.name, first.difficulty, first.legal_reference) == (
        "Định danh điện tử",
        Question.Difficulty.EASY,
        "Nghị định số 59/2022/NĐ-CP",
    )
    assert list(first.options.values_list("position", "text", "is_correct")) == [
        (1, "05/9/2022", True),
        (2, "24/3/2023", False),
        (3, "01/9/2023", False),
    ]
    second = Question.objects.get(topic__name="Giải thưởng")
    assert second.difficulty == Question.Difficulty.MEDIUM
    assert list(second.options.values_list("text", "is_correct")) == [
        ("1.000.000 đồng", False),
        ("3.000.000 đồng", True),
    ]


def _row(**changes):
    row = list(GOOD_ROWS[0])
    names = {"topic": 0, "text": 1, "a": 2, "b": 3, "c": 4, "d": 5, "e": 6, "f": 7}
    names |= {"correct": 8, "difficulty": 9, "explanation": 10, "reference": 11, "extra": 12}
    for name, value in changes.items():
        index = names[name]
        row += [""] * (index + 1 - len(row))
        row[index] = value
    return row


def _refused(contest, data) -> list[str]:
    with pytest.raises(QuestionImportError) as error:
        question_bank_import(contest=contest, data=data)
    assert Question.objects.count() == 0  # nothing written
    return error.value.problems


def test_every_bad_row_is_listed_and_nothing_is_written(contest):
    rows = [
        GOOD_ROWS[1],  # row 2: good, still not written
        _row(text=""),  # 3
        _row(text="Một phương án?", b="", c=""),  # 4
        _row(text="Không có đáp án?", correct=""),  # 5
        _row(text="Hai đáp án?", correct="A, C"),  # 6
        _row(text="Chủ đề lạ?", topic="Bầu cử"),  # 7
        _row(text="Giải Nhất cá nhân cấp quận Thanh Xuân trị giá bao nhiêu?"),  # 8: dup of 2
        _row(text="x" * 2001),  # 9
        _row(text="Bảy phương án?", extra="G"),  # 10
        _row(text="Đáp án trỏ vào ô trống?", correct="D"),  # 11
        _row(text="Độ khó lạ?", difficulty="rất khó"),  # 12
        _row(text="Thiếu phương án B?", b=""),  # 13
        _row(topic=""),  # 14: no topic, and a duplicate of nothing (text is GOOD_ROWS[0])
    ]
    assert _refused(contest, xlsx(rows)) == [
        "Dòng 3: thiếu nội dung câu hỏi.",
        "Dòng 4: cần ít nhất 2 phương án (có 1).",
        "Dòng 5: chưa đánh dấu đáp án đúng.",
        "Dòng 6: có nhiều đáp án đúng (A, C); mỗi câu chỉ có một đáp án đúng.",
        "Dòng 7: chủ đề “Bầu cử” không có trong cuộc thi này.",
        "Dòng 8: câu hỏi trùng với dòng 2.",
        "Dòng 9: nội dung câu hỏi dài 2.001 ký tự, tối đa 2.000.",
        "Dòng 10: có dữ liệu ngoài các cột của mẫu (tối đa 6 phương án, từ A đến F).",
        "Dòng 11: đáp án đúng là D nhưng phương án D để trống.",
        "Dòng 12: độ khó “rất khó” không hợp lệ (Dễ, Trung bình hoặc Khó).",
        "Dòng 13: phương án B để trống nhưng có phương án sau nó; ghi các phương án liền nhau "
        "từ A.",
        "Dòng 14: thiếu chủ đề.",
    ]


def test_duplicate_of_the_bank(contest):
    QuestionFactory(
        topic=contest.topics.get(name="Giải thưởng"),
        text="giải nhất cá nhân cấp quận  Thanh Xuân trị giá bao nhiêu",
    )
    existing = Question.objects.get().pk
    with pytest.raises(QuestionImportError) as error:
        question_bank_import(contest=contest, data=xlsx(GOOD_ROWS))
    assert error.value.problems == [
        f"Dòng 3: câu hỏi đã có trong ngân hàng câu hỏi (câu số {existing})."
    ]
    assert Question.objects.count() == 1


def test_over_long_option_and_reference(contest):
    rows = [_row(a="y" * 1001, reference="z" * 301, explanation="w" * 4001)]
    assert _refused(contest, xlsx(rows)) == [
        "Dòng 2: phương án A dài 1.001 ký tự, tối đa 1.000.",
        "Dòng 2: giải thích dài 4.001 ký tự, tối đa 4.000.",
        "Dòng 2: căn cứ pháp lý dài 301 ký tự, tối đa 300.",
    ]


def test_wrong_headers(contest):
    problems = _refused(contest, xlsx(GOOD_ROWS, headers=["Câu hỏi", "A", "B"]))
    assert problems == [
        "Dòng 1: tiêu đề các cột không đúng mẫu. Cần đúng thứ tự: " + ", ".join(HEADERS) + "."
    ]


def test_empty_file(contest):
    assert _refused(contest, xlsx([])) == ["Tệp không có câu hỏi nào (chỉ có dòng tiêu đề)."]


NOT_XLSX = "Tệp không phải là bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải về từ trang này."


@pytest.mark.parametrize(
    "data",
    [
        b"Chu de;Noi dung\nA;B\n",  # a CSV
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,  # an old .xls (OLE)
        b"",
    ],
)
def test_not_an_xlsx(contest, data):
    assert _refused(contest, data) == [NOT_XLSX]


def test_a_zip_that_is_not_a_workbook(contest):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert _refused(contest, buffer.getvalue()) == [NOT_XLSX]


def test_a_broken_workbook(contest):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")
    assert _refused(contest, buffer.getvalue()) == [
        "Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx."
    ]


def test_zip_bomb(contest):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 100 * 1024  # 30 MB of zeros compress to ~30 kB
    assert _refused(contest, data) == [
        "Tệp nén bất thường (dung lượng khi giải nén quá lớn so với tệp tải lên), có thể là "
        "tệp độc hại: không nhập."
    ]


def test_template_and_export_round_trip(contest, tree):
    template = load_workbook(io.BytesIO(question_bank_template(contest=contest)))
    assert template.sheetnames == ["Câu hỏi", "Chủ đề", "Hướng dẫn"]
    assert [c.value for c in template["Câu hỏi"][1]] == HEADERS
    question_bank_import(contest=contest, data=xlsx(GOOD_ROWS))
    QuestionFactory(topic=contest.topics.get(name="Giải thưởng"), text="=HYPERLINK(1)")
    exported = question_bank_export(contest=contest)
    sheet = load_workbook(io.BytesIO(exported))["Câu hỏi"]
    rows = {row[1]: row for row in ([c.value for c in r] for r in sheet.iter_rows(min_row=2))}
    assert rows[GOOD_ROWS[0][1]][:5] == ["Định danh điện tử", GOOD_ROWS[0][1], *GOOD_ROWS[0][2:5]]
    assert rows[GOOD_ROWS[0][1]][8:] == ["A", "Dễ", *GOOD_ROWS[0][10:]]
    assert rows[GOOD_ROWS[1][1]][8:10] == ["B", "Trung bình"]
    # A text that looks like a formula is exported as a plain string, never as a formula.
    formula_row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "=HYPERLINK(1)")
    assert formula_row[1].data_type == "s"
    # The export imports into another contest with the same topics.
    other = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    TopicFactory(contest=other, name="Định danh điện tử")
    TopicFactory(contest=other, name="Giải thưởng")
    assert question_bank_import(contest=other, data=exported).created == 3


def test_admin_import_page(contest, organisers, client):
    client.force_login(organisers["a"])
    url = reverse("admin:contests_question_import")
    page = client.get(url)
    assert page.status_code == 200
    bad = io.BytesIO(xlsx([_row(correct="")]))
    bad.name = "cau-hoi.xlsx"
    response = client.post(url, {"contest": contest.pk, "file": bad})
    assert response.status_code == 400
    assert response.context["problems"] == ["Dòng 2: chưa đánh dấu đáp án đúng."]
    assert "Dòng 2: chưa đánh dấu đáp án đúng." in response.content.decode()
    assert Question.objects.count() == 0
    good = io.BytesIO(xlsx(GOOD_ROWS))
    good.name = "cau-hoi.xlsx"
    response = client.post(url, {"contest": contest.pk, "file": good}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Đã nhập 2 câu hỏi vào “{contest.title}”."
    ]
    assert Question.objects.filter(contest=contest).count() == 2
    download = client.get(reverse("admin:contests_question_template") + f"?contest={contest.pk}")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    export = client.get(reverse("admin:contests_question_export") + f"?contest={contest.pk}")
    assert export.status_code == 200


def test_admin_import_into_a_contest_outside_the_subtree_is_404(contest, organisers, client):
    client.force_login(organisers["b"])
    good = io.BytesIO(xlsx(GOOD_ROWS))
    good.name = "cau-hoi.xlsx"
    url = reverse("admin:contests_question_import")
    assert client.post(url, {"contest": contest.pk, "file": good}).status_code == 404
    assert Question.objects.count() == 0
    export = reverse("admin:contests_question_export") + f"?contest={contest.pk}"
    assert client.get(export).status_code == 404
