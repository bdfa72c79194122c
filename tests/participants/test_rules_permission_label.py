import pytest
from django.utils import translation

from participants.rules.permission_label import permission_label


@pytest.mark.parametrize(
    ("codename", "name", "label"),
    [
        ("add_contest", "Can add contest", "Cuộc thi | cuộc thi | Thêm cuộc thi"),
        ("change_contest", "Can change contest", "Cuộc thi | cuộc thi | Sửa cuộc thi"),
        ("delete_contest", "Can delete contest", "Cuộc thi | cuộc thi | Xóa cuộc thi"),
        ("view_contest", "Can view contest", "Cuộc thi | cuộc thi | Xem cuộc thi"),
        # A permission of our own, named in Vietnamese: kept.
        (
            "view_full_identity",
            "Xem đầy đủ số giấy tờ",
            "Cuộc thi | cuộc thi | Xem đầy đủ số giấy tờ",
        ),
        # A default-looking codename with a name of its own: kept.
        ("view_board", "Xem bảng tổng sắp", "Cuộc thi | cuộc thi | Xem bảng tổng sắp"),
    ],
)
def test_permission_label(codename, name, label):
    with translation.override("vi"):
        assert (
            permission_label(
                codename=codename, name=name, app_text="Cuộc thi", model_text="cuộc thi"
            )
            == label
        )
