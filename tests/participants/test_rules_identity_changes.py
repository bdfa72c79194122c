import pytest

from participants.rules.identity_changes import date_text, identity_change_lines

FIELDS = ["full_name", "date_of_birth", "document_number"]
LABELS = {"full_name": "họ và tên", "date_of_birth": "ngày sinh", "document_number": "số giấy tờ"}


def show(name, value):
    if value in (None, ""):
        return "(trống)"
    if name == "date_of_birth":
        return date_text(value) or str(value)
    if name == "document_number":
        return "***" + str(value)[-2:]
    return str(value)


@pytest.mark.parametrize(
    ("before", "after", "lines"),
    [
        (
            {"full_name": "Nguyễn Văn A", "date_of_birth": "2008-05-31"},
            {"full_name": "Nguyễn Văn B", "date_of_birth": "2008-05-31"},
            ["họ và tên: Nguyễn Văn A → Nguyễn Văn B"],
        ),
        (
            {"date_of_birth": "2008-05-31", "document_number": "001087123456"},
            {"date_of_birth": "2008-06-01", "document_number": "001087123499"},
            ["ngày sinh: 31/05/2008 → 01/06/2008", "số giấy tờ: ***56 → ***99"],
        ),
        # A field only on one side, an empty value.
        ({}, {"full_name": "Lê C"}, ["họ và tên: (trống) → Lê C"]),
        ({"full_name": ""}, {"full_name": "Lê C"}, ["họ và tên: (trống) → Lê C"]),
        # Nothing changed; unknown fields; not dicts.
        ({"full_name": "A"}, {"full_name": "A"}, []),
        ({"email": "a@b.vn"}, {"email": "c@d.vn"}, []),
        (None, [1, 2], []),
        # Order is the order of the fields, not of the JSON.
        (
            {"document_number": "1234567890", "full_name": "A"},
            {"document_number": "1234567891", "full_name": "B"},
            ["họ và tên: A → B", "số giấy tờ: ***90 → ***91"],
        ),
    ],
)
def test_identity_change_lines(before, after, lines):
    assert (
        identity_change_lines(before=before, after=after, fields=FIELDS, labels=LABELS, show=show)
        == lines
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [("2008-05-31", "31/05/2008"), ("31/05/2008", None), (None, None), ("", None), (5, None)],
)
def test_date_text(value, text):
    assert date_text(value) == text
