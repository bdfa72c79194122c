"""“Đến 24 giờ ngày 1/9/2023”: entered as written, stored as 2023-09-02 00:00+07:00, shown as
written."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from contests.forms import ContestAdminForm, VnDateTimeField, parse_vn_clock
from contests.models import Contest
from contests.templatetags.contest_tags import dong, vn_deadline, vn_time
from tests.contests.helpers import form_fields

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def test_24_hour_is_midnight_of_the_next_day():
    field = VnDateTimeField(midnight_as_24=True)
    value = field.clean(["1/9/2023", "24:00"])
    assert value == datetime.datetime(2023, 9, 2, 0, 0, tzinfo=HCM)
    assert value.utcoffset() == datetime.timedelta(hours=7)


@pytest.mark.parametrize("text", ["24:00", "24", "24 giờ", "24h", "24h00"])
def test_24_hour_spellings(text):
    assert parse_vn_clock(text) == (24, 0)


@pytest.mark.parametrize("text", ["24:30", "25:00", "7:61", "abc", ""])
def test_bad_times_are_refused_with_a_message(text):
    field = VnDateTimeField(midnight_as_24=True)
    with pytest.raises(Exception) as error:
        field.clean(["1/9/2023", text])
    message = "Giờ không hợp lệ: ghi theo dạng giờ:phút từ 00:00 đến 24:00."
    if text == "":
        message = "Hãy nhập cả ngày và giờ."
    assert error.value.messages == [message]


def test_bad_date_is_refused_with_a_message():
    field = VnDateTimeField()
    with pytest.raises(Exception) as error:
        field.clean(["31/2/2023", "08:00"])
    assert error.value.messages == [
        "Ngày không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 01/09/2023."
    ]


def test_display_midnight_as_24_of_the_day_before():
    stored = datetime.datetime(2023, 9, 2, 0, 0, tzinfo=HCM)
    assert vn_deadline(stored) == "24 giờ ngày 01/09/2023"
    # The same instant given in UTC is displayed in Hà Nội time.
    assert vn_deadline(stored.astimezone(datetime.UTC)) == "24 giờ ngày 01/09/2023"
    five_pm = datetime.datetime(2019, 9, 16, 17, 0, tzinfo=HCM)
    assert vn_deadline(five_pm) == "17 giờ ngày 16/09/2019"
    assert vn_time(datetime.datetime(2023, 7, 1, 0, 0, tzinfo=HCM)) == "0 giờ ngày 01/07/2023"
    assert vn_time(datetime.datetime(2023, 7, 1, 8, 30, tzinfo=HCM)) == "8 giờ 30 ngày 01/07/2023"
    assert dong(3_000_000) == "3.000.000 đồng"


def test_widget_shows_the_close_time_as_written():
    contest = Contest(closes_at=datetime.datetime(2023, 9, 2, 0, 0, tzinfo=HCM))
    form = ContestAdminForm(instance=contest)
    assert form["closes_at"].field.widget.decompress(contest.closes_at) == ["01/09/2023", "24:00"]
    # An opening time at midnight is "00:00" of that day.
    assert form["opens_at"].field.widget.decompress(contest.closes_at) == ["02/09/2023", "00:00"]


def test_admin_add_contest_with_24_hour_close(organisers, tree, client):
    client.force_login(organisers["city"])
    url = reverse("admin:contests_contest_add")
    data = form_fields(client.get(url), "contest_form")
    data.update(
        {
            "owner_unit": tree["C"].pk,
            "participation_root": tree["C"].pk,
            "title": "Tìm hiểu pháp luật về định danh điện tử và dịch vụ công trực tuyến",
            "slug": "dinh-danh-dien-tu-2023",
            "opens_at_0": "01/07/2023",
            "opens_at_1": "00:00",
            "closes_at_0": "1/9/2023",
            "closes_at_1": "24:00",
            "min_age": "14",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    contest = Contest.objects.get(slug="dinh-danh-dien-tu-2023")
    assert contest.closes_at == datetime.datetime(2023, 9, 2, 0, 0, tzinfo=HCM)
    assert contest.status == Contest.Status.DRAFT
    change = client.get(reverse("admin:contests_contest_change", args=[contest.pk]))
    fields = form_fields(change, "contest_form")
    assert (fields["closes_at_0"], fields["closes_at_1"]) == ("01/09/2023", "24:00")
    assert change.content.decode().count("24 giờ ngày 01/09/2023") == 0  # form shows fields
    listing = client.get(reverse("admin:contests_contest_changelist"))
    assert "24 giờ ngày 01/09/2023" in listing.content.decode()
