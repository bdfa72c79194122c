"""Dashboard date filters (`tu`, `den`) out of the plausible range are ignored with a message
(issue 12, item 5): 01/01/0001 parsed, and then broke the filter's time zone arithmetic."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.services.rollups import rollups_recompute

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["01/01/0001", "0001-01-01", "31/12/9999", "31/12/1999"])
@pytest.mark.parametrize("name", ["tu", "den"])
def test_a_filter_date_out_of_range_is_ignored_with_a_message(
    small_contest, organisers, name, value
):
    rollups_recompute(contest=small_contest)
    client = Client(raise_request_exception=False)
    client.force_login(organisers["city"])
    url = reverse("reports:dashboard", args=[small_contest.slug])
    response = client.get(url, {name: value})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"Ngày “{value}”: Ngày phải nằm trong khoảng từ 01/01/2000 đến 31/12/2099. Đã bỏ qua."
    ]
    assert 'data-figure="participants">5<' in response.content.decode()
