"""Typed dates in a plausible range (issue 12, item 5): the admin forms refuse 01/01/0001 with a
Vietnamese message and store nothing; the database refuses it too (CHECK constraints); the
migration that adds the constraints reports and repairs rows already out of range."""

import datetime
import importlib
import zoneinfo

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from contests.dates import CONTEST_MAX, CONTEST_MIN, contest_date_problem
from contests.models import Contest, ContestChange, Milestone, Round
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory

pytestmark = pytest.mark.django_db

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
OUT_OF_RANGE = "Ngày phải nằm trong khoảng từ 01/01/2000 đến 31/12/2099."
migration = importlib.import_module("contests.migrations.0002_typed_dates_in_plausible_range")


def test_contest_date_problem_edges():
    assert contest_date_problem(CONTEST_MIN) is None
    assert contest_date_problem(CONTEST_MAX) is None
    assert contest_date_problem(datetime.date(1999, 12, 31)) == OUT_OF_RANGE
    assert contest_date_problem(datetime.date(2100, 1, 1)) == OUT_OF_RANGE
    assert contest_date_problem(datetime.date(1, 1, 1)) == OUT_OF_RANGE
    assert contest_date_problem(None) is None


def _add_data(client, tree, **changes) -> dict:
    data = form_fields(client.get(reverse("admin:contests_contest_add")), "contest_form")
    data.update(
        {
            "owner_unit": tree["C"].pk,
            "participation_root": tree["C"].pk,
            "title": "Tìm hiểu pháp luật về định danh điện tử",
            "slug": "dinh-danh-dien-tu",
            "opens_at_0": "01/09/2023",
            "opens_at_1": "00:00",
            "closes_at_0": "30/09/2023",
            "closes_at_1": "24:00",
            "min_age": "14",
        }
    )
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"opens_at_0": "01/01/0001"}, "opens_at"),
        ({"closes_at_0": "01/01/0001"}, "closes_at"),
        # 24:00 on the last day of year 9999 overflowed Python's date (500).
        ({"closes_at_0": "31/12/9999", "closes_at_1": "24:00"}, "closes_at"),
        ({"opens_at_0": "31/12/1999"}, "opens_at"),
        ({"age_reference_date": "01/01/0001"}, "age_reference_date"),
    ],
)
def test_admin_add_contest_refuses_a_date_out_of_range(organisers, tree, client, changes, field):
    client.force_login(organisers["city"])
    response = client.post(
        reverse("admin:contests_contest_add"), _add_data(client, tree, **changes)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [OUT_OF_RANGE]
    assert not Contest.objects.exists()


def test_admin_add_contest_accepts_the_edges_of_the_range(organisers, tree, client):
    """01/01/2000 00:00 in Hà Nội is 31/12/1999 UTC, and 24:00 on 31/12/2099 is 2100: the
    database's range has a margin, so what the form accepts is stored."""
    client.force_login(organisers["city"])
    data = _add_data(
        client,
        tree,
        opens_at_0="01/01/2000",
        closes_at_0="31/12/2099",
        age_reference_date="01/01/2000",
    )
    response = client.post(reverse("admin:contests_contest_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    contest = Contest.objects.get()
    assert contest.opens_at == datetime.datetime(2000, 1, 1, tzinfo=HCM)
    assert contest.closes_at == datetime.datetime(2100, 1, 1, tzinfo=HCM)


def _change_data(client, contest, **changes) -> dict:
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    data = form_fields(client.get(url), "contest_form")
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "errors_of"),
    [
        (
            {
                "rounds-TOTAL_FORMS": "1",
                "rounds-0-number": "1",
                "rounds-0-title": "Tuần 1",
                "rounds-0-opens_at_0": "01/01/0001",
                "rounds-0-opens_at_1": "00:00",
                "rounds-0-closes_at_0": "07/09/2023",
                "rounds-0-closes_at_1": "24:00",
            },
            ("rounds", "opens_at"),
        ),
        (
            {
                "milestones-TOTAL_FORMS": "1",
                "milestones-0-date": "01/01/0001",
                "milestones-0-text": "Thi",
            },
            ("milestones", "date"),
        ),
        ({"opens_at_0": "01/01/0001"}, (None, "opens_at")),
    ],
    ids=["round", "milestone", "contest"],
)
def test_admin_change_refuses_a_date_out_of_range(organisers, tree, client, changes, errors_of):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], status="draft")
    before = Contest.objects.values().get(pk=contest.pk)
    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    response = client.post(url, _change_data(client, contest, **changes))
    assert response.status_code == 200
    prefix, field = errors_of
    if prefix is None:
        errors = response.context["adminform"].form.errors[field]
    else:
        formset = next(
            f.formset
            for f in response.context["inline_admin_formsets"]
            if f.formset.prefix == prefix
        )
        errors = formset.forms[0].errors[field]
    assert errors == [OUT_OF_RANGE]
    assert Contest.objects.values().get(pk=contest.pk) == before
    assert not Round.objects.exists() and not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Contest, "opens_at", datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)),
        (Contest, "closes_at", datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)),
        (Contest, "age_reference_date", datetime.date(1, 1, 1)),
        (Round, "opens_at", datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)),
        (Round, "closes_at", datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)),
        (Milestone, "date", datetime.date(1, 1, 1)),
    ],
)
def test_database_refuses_a_date_out_of_range(tree, model, field, value):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    row = {
        Contest: contest,
        Round: Round.objects.create(
            contest=contest,
            number=1,
            title="Tuần 1",
            opens_at=contest.opens_at,
            closes_at=contest.closes_at,
        ),
        Milestone: Milestone.objects.create(
            contest=contest, date=datetime.date(2023, 9, 1), text="Thi"
        ),
    }[model]
    with pytest.raises(IntegrityError, match=r"in_range"), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})


@pytest.fixture
def unchecked(db):
    """The range constraints dropped (inside the test's transaction, so they come back), as
    on a database migrated before them."""
    if connection.vendor != "postgresql":
        pytest.skip("transactional DDL: PostgreSQL only (CI runs it)")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
    with connection.schema_editor() as editor:
        for model in (Contest, Round, Milestone):
            for constraint in model._meta.constraints:
                if constraint.name.endswith("_in_range"):
                    editor.remove_constraint(model, constraint)


def test_migration_reports_and_repairs_rows_out_of_range(unchecked, tree, capsys):
    bad = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], slug="bad")
    good = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], slug="good")
    late = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], slug="late")
    good_round = Round.objects.create(
        contest=good, number=1, title="Tuần 1", opens_at=good.opens_at, closes_at=good.closes_at
    )
    late_round = Round.objects.create(
        contest=late, number=1, title="Tuần 1", opens_at=late.opens_at, closes_at=late.closes_at
    )
    milestone = Milestone.objects.create(contest=good, date=datetime.date(2023, 9, 1), text="Thi")
    # 01/01/0001 00:00 in Hà Nội: a BC timestamp on PostgreSQL, which Python cannot read back.
    Contest.objects.filter(pk=bad.pk).update(
        opens_at=datetime.datetime(1, 1, 1, tzinfo=HCM), age_reference_date=datetime.date(1, 1, 1)
    )
    Round.objects.filter(pk=late_round.pk).update(
        opens_at=datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(9999, 1, 2, tzinfo=datetime.UTC),
    )
    Milestone.objects.filter(pk=milestone.pk).update(date=datetime.date(1, 1, 1))

    found = migration.out_of_range(apps)
    assert found == {"Contest": [bad.pk], "Round": [late_round.pk], "Milestone": [milestone.pk]}

    migration.report_and_repair(apps, None)
    printed = capsys.readouterr().out.splitlines()
    out_of = "with a date out of 2000-01-01..2099-12-31: ids"
    assert printed == [
        f"contests: 1 Contest row(s) {out_of} [{bad.pk}]",
        f"contests: 1 Round row(s) {out_of} [{late_round.pk}]",
        f"contests: 1 Milestone row(s) {out_of} [{milestone.pk}]",
        "contests: dates repaired; contests moved back to draft (see their change log, "
        f"what='date_range_repair'): ids {sorted([bad.pk, good.pk, late.pk])}",
    ]
    assert migration.out_of_range(apps) == {"Contest": [], "Round": [], "Milestone": []}

    bad.refresh_from_db()
    assert bad.opens_at == datetime.datetime(2000, 1, 1, 12, tzinfo=datetime.UTC)
    assert bad.closes_at > bad.opens_at
    assert bad.age_reference_date is None
    assert bad.status == Contest.Status.DRAFT
    late_round.refresh_from_db()
    assert late_round.opens_at == datetime.datetime(2099, 12, 30, 12, tzinfo=datetime.UTC)
    assert late_round.closes_at == datetime.datetime(2099, 12, 31, 12, tzinfo=datetime.UTC)
    assert Milestone.objects.get().date == datetime.date(2000, 1, 1)
    good_round.refresh_from_db()
    assert good_round.opens_at == good.opens_at  # rows in range are not touched

    change = ContestChange.objects.get(contest=bad)
    assert change.what == "date_range_repair"
    assert change.before["status"] == "published" and change.after["status"] == "draft"
    assert change.before[f"Contest {bad.pk}"]["opens_at"].endswith(" BC")
    assert change.before[f"Contest {bad.pk}"]["age_reference_date"] == "0001-01-01"
    assert change.after[f"Contest {bad.pk}"]["opens_at"] == "2000-01-01 12:00:00+00"
    assert change.after[f"Contest {bad.pk}"]["age_reference_date"] is None
    milestone_change = ContestChange.objects.get(contest=good)
    assert milestone_change.before[f"Milestone {milestone.pk}"] == {"date": "0001-01-01"}
    assert milestone_change.after[f"Milestone {milestone.pk}"] == {"date": "2000-01-01"}


def test_migration_step_is_quiet_on_a_clean_database(unchecked, tree, capsys):
    ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    migration.report_and_repair(apps, None)
    assert capsys.readouterr().out == ""
    assert not ContestChange.objects.exists()
