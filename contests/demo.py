"""The demo: a city shaped like the seeds' Hà Nội (two blocks, departments, two districts with
their wards) and the accounts to look at it. Idempotent."""

from django.contrib.auth import get_user_model
from django.db import transaction

from contests.models import Organiser, Unit
from contests.services.units import roles_ensure, unit_add

DEMO_PASSWORD = "demo-2023-hanoi"  # noqa: S105  (printed on purpose: it is the demo's login)

K = Unit.Kind
CITY = ("HN", "Thành phố Hà Nội", K.PROVINCE, 8_500_000)
BLOCKS = [
    (
        "HN-SBN",
        "Khối Sở, ban, ngành",
        K.BLOCK,
        None,
        [
            ("HN-SGDDT", "Sở Giáo dục và Đào tạo", K.DEPARTMENT, 9_500, []),
            ("HN-CATP", "Công an Thành phố", K.DEPARTMENT, 4_500, []),
            ("HN-SYT", "Sở Y tế", K.DEPARTMENT, 4_200, []),
        ],
    ),
    (
        "HN-QH",
        "Khối quận, huyện, thị xã",
        K.BLOCK,
        None,
        [
            (
                "HN-TX",
                "Quận Thanh Xuân",
                K.DISTRICT,
                290_000,
                [
                    ("HN-TX-NC", "Phường Nhân Chính", K.WARD, 40_000, []),
                    ("HN-TX-TXT", "Phường Thanh Xuân Trung", K.WARD, 38_000, []),
                    ("HN-TX-KT", "Phường Khương Trung", K.WARD, 35_000, []),
                ],
            ),
            (
                "HN-CG",
                "Quận Cầu Giấy",
                K.DISTRICT,
                295_000,
                [
                    ("HN-CG-DV", "Phường Dịch Vọng", K.WARD, 30_000, []),
                    ("HN-CG-QH", "Phường Quan Hoa", K.WARD, 33_000, []),
                ],
            ),
        ],
    ),
]

ACCOUNTS = [
    # username, unit code, superuser
    ("admin", None, True),
    ("sotuphap", "HN", False),
    ("thanhxuan", "HN-TX", False),
    ("caugiay", "HN-CG", False),
]


def _add_tree(nodes, parent):
    for code, name, kind, headcount, children in nodes:
        unit = unit_add(code=code, name=name, kind=kind, parent=parent, headcount=headcount)
        _add_tree(children, unit)


@transaction.atomic
def seed_units_and_accounts() -> list[tuple[str, str, str]]:
    """Returns (username, password, what it is) for each demo login."""
    roles = roles_ensure()
    code, name, kind, headcount = CITY
    city = unit_add(code=code, name=name, kind=kind, headcount=headcount)
    _add_tree(BLOCKS, city)

    user_model = get_user_model()
    logins = []
    for username, unit_code, superuser in ACCOUNTS:
        user, _created = user_model.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        if unit_code:
            unit = Unit.objects.get(code=unit_code)
            Organiser.objects.update_or_create(user=user, defaults={"unit": unit})
            user.groups.add(roles["organiser"])
            logins.append((username, DEMO_PASSWORD, f"cán bộ tổ chức — {unit.name}"))
        else:
            logins.append((username, DEMO_PASSWORD, "quản trị hệ thống"))
    return logins
