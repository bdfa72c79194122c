"""The "thay đổi sau khi công bố (nhật ký)" inline of a contest's admin page: the rows are
shown (read only, newest first, before/after readable) to the organisers who own the contest,
and to nobody else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, ContestChange
from tests.factories import ContestFactory


@pytest.fixture
def logged(tree, organisers):
    contest = ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], status=Contest.Status.PUBLISHED
    )
    city = organisers["city"]
    rows = [
        ("status", {"status": "draft"}, {"status": "published"}),
        (
            "rules",
            {"title": "Tìm hiểu Luật cũ", "rules": "<p>Thể lệ <b>cũ</b></p>"},
            {"title": "Tìm hiểu Luật mới", "rules": "<p>Thể lệ mới</p>"},
        ),
        ("excluded", {"excluded": []}, {"excluded": ["001087123456", "037153000257"]}),
    ]
    start = timezone.make_aware(datetime.datetime(2023, 9, 1, 8, 0))
    for minutes, (what, before, after) in enumerate(rows):
        change = ContestChange.objects.create(
            contest=contest, user=city, what=what, before=before, after=after
        )
        ContestChange.objects.filter(pk=change.pk).update(
            at=start + datetime.timedelta(minutes=minutes)
        )
    # Another contest's row must not appear.
    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    ContestChange.objects.create(contest=other, user=city, what="prizes", before={}, after={})
    return contest


def _log_formset(response):
    for formset in response.context["inline_admin_formsets"]:
        if formset.opts.model is ContestChange:
            return formset
    return None


def test_owner_sees_every_row_newest_first_and_readable(logged, organisers, client):
    client.force_login(organisers["city"])
    response = client.get(reverse("admin:contests_contest_change", args=[logged.pk]))
    assert response.status_code == 200
    formset = _log_formset(response)
    assert formset is not None
    shown = [
        {field.field["name"]: str(field.contents()) for field in line}
        for form in formset
        for fieldset in form
        for line in fieldset
    ]
    # One line per form (TabularInline): merge the fields of each row.
    rows = [
        {k: v for line in shown[i : i + 5] for k, v in line.items()}
        for i in range(0, len(shown), 5)
    ]
    assert [(r["at"], r["subject"]) for r in rows] == [
        ("08:02 01/09/2023", "Người không được dự thi"),
        ("08:01 01/09/2023", "Thông tin, thể lệ, thời gian"),
        ("08:00 01/09/2023", "Trạng thái"),
    ]
    assert rows[0]["before_display"] == (
        '<ul class="audit-values"><li><strong>người không được dự thi</strong>: —</li></ul>'
    )
    assert rows[0]["after_display"] == (
        '<ul class="audit-values"><li><strong>người không được dự thi</strong>: '
        "001*****3456, 037*****0257</li></ul>"  # masked, as everywhere
    )
    # (jsonb keeps keys in its own order: shorter first, then alphabetical)
    assert rows[1]["before_display"] == (
        '<ul class="audit-values"><li><strong>thể lệ</strong>: Thể lệ cũ</li>'
        "<li><strong>tên cuộc thi</strong>: Tìm hiểu Luật cũ</li></ul>"
    )
    assert rows[2]["after_display"] == (
        '<ul class="audit-values"><li><strong>trạng thái</strong>: Đã công bố</li></ul>'
    )
    assert {r["who"] for r in rows} == {"city"}
    page = response.content.decode()
    assert "Thay đổi sau khi công bố (nhật ký)" in page
    assert "Tìm hiểu Luật mới" in page
    assert "001087123456" not in page
    # Read only: no input of the log's fields, no delete box, no "add another".
    assert 'name="changes-0-what"' not in page
    assert 'name="changes-0-DELETE"' not in page


def test_log_is_not_shown_to_a_district_that_only_takes_part(logged, organisers, client):
    client.force_login(organisers["a"])
    response = client.get(reverse("admin:contests_contest_change", args=[logged.pk]))
    assert response.status_code == 200
    assert _log_formset(response) is None
    assert "Thay đổi sau khi công bố (nhật ký)" not in response.content.decode()


def test_saving_the_contest_keeps_the_log(logged, organisers, client):
    """The read-only inline must not get in the way of saving the page."""
    from tests.contests.helpers import form_fields

    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_change", args=[logged.pk])
    data = form_fields(client.get(url), "contest_form")
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert ContestChange.objects.filter(contest=logged).count() == 3
