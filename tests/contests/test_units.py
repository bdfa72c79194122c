import pytest

from contests.models import Unit
from contests.selectors import unit_ancestors, unit_subtree, units_visible_to


def test_subtree_is_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = sorted(u.code for u in unit_subtree(unit=tree["A"]))
    assert codes == ["A", "A-1", "A-2"]


def test_ancestors_are_one_query_root_first(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = [u.code for u in unit_ancestors(unit=tree["A-1"])]
    assert codes == ["C", "C-Q", "A"]


def test_tree_has_any_depth(tree):
    from contests.services.units import unit_add

    parent = tree["A-1"]
    for level in range(6):
        parent = unit_add(
            code=f"deep-{level}", name=f"Tổ {level}", kind=Unit.Kind.OTHER, parent=parent
        )
    assert parent.depth == 10
    assert [u.code for u in unit_ancestors(unit=parent)][:4] == ["C", "C-Q", "A", "A-1"]
    assert unit_subtree(unit=tree["A"]).count() == 9


def test_visible_units_per_organiser(organisers, tree):
    assert units_visible_to(user=organisers["root"]).count() == Unit.objects.count()
    assert units_visible_to(user=organisers["city"]).count() == Unit.objects.count()
    assert sorted(u.code for u in units_visible_to(user=organisers["b"])) == ["B", "B-1"]


@pytest.mark.django_db
def test_staff_without_unit_sees_nothing():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="x", password="p", is_staff=True)
    assert units_visible_to(user=user).count() == 0


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("A-1", True),
        ("00001", True),
        ("C.Q_1", True),
        ("²", False),  # superscript two: a digit to str.isdigit, not a number to int()
        ("١", False),  # Arabic-Indic one: int("١") is 1
        ("A 1", False),
        ("Phường-1", False),
        ("-A", False),
        ("A\n", False),
    ],
)
def test_unit_codes_are_ascii(db, code, ok):
    from contests.services.units import unit_add

    if ok:
        assert unit_add(code=code, name="Đơn vị", kind=Unit.Kind.OTHER).code == code
    else:
        with pytest.raises(ValueError, match="^Mã đơn vị chỉ gồm chữ cái không dấu"):
            unit_add(code=code, name="Đơn vị", kind=Unit.Kind.OTHER)
        assert not Unit.objects.exists()


@pytest.mark.django_db
def test_roles_grant_what_each_app_lists_for_organisers():
    """Each app lists its own models on its AppConfig; contests names none of the others'."""
    from contests.services.units import roles_ensure

    roles = roles_ensure()
    granted = {
        (p.content_type.app_label, p.content_type.model, p.codename.split("_")[0])
        for p in roles["organiser"].permissions.select_related("content_type")
    }
    managed = {
        "contests": "unit contest milestone round excludedperson topic question option "
        "blueprintitem prizestructure prizetier category announcement unittarget",
        "participants": "participant registration rosterentry",
        "essays": "essaytask criterion entry panel judge assignment",
        "scoring": "attempt disqualification regradejob answerkeychange resultssnapshot appeal "
        "certificatejob certificate examsession",
        "reports": "boardsnapshot",
        "learning": "itemstatsrun practiceattempt",
        "integrity": "anomalyflag",
    }
    assert granted == {
        (app, model, verb)
        for app, models in managed.items()
        for model in models.split()
        for verb in ("add", "change", "delete", "view")
    }
    assert {p.codename for p in roles["committee"].permissions.all()} == {
        f"view_{model}" for models in managed.values() for model in models.split()
    }
    # Judges mark on their own page (/cham-thi/): nothing in the admin.
    assert not roles["judge"].permissions.exists()
