"""Excluded people (organisers, judges) are identified by document number: on the contest admin
page the number is masked like everywhere else; in full only for accounts with
`participants.view_full_identity`, and only once the view is in the personal data access log.
A masked number can never be saved over the real one."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from contests import masking
from contests.models import ExcludedPerson
from participants.models import PersonalDataAccess
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory

NUMBER = "001087123456"
MASKED = "001*****3456"


@pytest.fixture
def contest(tree):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    ExcludedPerson.objects.create(contest=contest, document_number=NUMBER, reason="Giám khảo")
    return contest


def grant_full_identity(user):
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="participants", codename="view_full_identity"
        )
    )
    return type(user).objects.get(pk=user.pk)


def page(client, user, contest):
    client.force_login(user)
    response = client.get(reverse("admin:contests_contest_change", args=[contest.pk]))
    assert response.status_code == 200
    return response, response.content.decode()


def test_one_masking_rule():
    assert masking.mask_document(NUMBER) == MASKED
    assert masking.mask_document("B1234567") == "B1****67"


def test_district_sees_the_city_list_masked(contest, organisers, client):
    response, html = page(client, organisers["a"], contest)
    assert MASKED in html
    assert NUMBER not in html
    assert "Giám khảo" in html
    assert not PersonalDataAccess.objects.exists()


def test_district_with_the_permission_sees_it_in_full_and_it_is_logged(contest, organisers, client):
    user = grant_full_identity(organisers["a"])
    response, html = page(client, user, contest)
    assert NUMBER in html
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.action, log.target) == (
        user,
        "view_excluded",
        f"contest:{contest.pk} excluded",
    )


def test_owner_without_the_permission_sees_it_masked_and_cannot_overwrite_it(
    contest, organisers, client
):
    response, html = page(client, organisers["city"], contest)
    assert NUMBER not in html
    assert f'value="{MASKED}"' in html  # in a disabled input: it cannot be typed over
    data = form_fields(response, "contest_form")
    assert data["excluded-0-document_number"] == MASKED
    # Change the reason, add someone: the saved number stays the real one.
    data.update(
        {
            "excluded-0-reason": "Ban giám khảo",
            "excluded-TOTAL_FORMS": "2",
            "excluded-1-id": "",
            "excluded-1-contest": str(contest.pk),
            "excluded-1-document_number": "035199000123",
            "excluded-1-reason": "Ban tổ chức",
        }
    )
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rows = sorted(contest.excluded.values_list("document_number", "reason"))
    assert rows == [("001087123456", "Ban giám khảo"), ("035199000123", "Ban tổ chức")]
    assert not PersonalDataAccess.objects.exists()


def test_owner_with_the_permission_sees_and_edits_in_full(contest, organisers, client):
    user = grant_full_identity(organisers["city"])
    response, html = page(client, user, contest)
    assert f'value="{NUMBER}"' in html
    assert PersonalDataAccess.objects.get().action == "view_excluded"


def test_the_permission_is_participants_registered_one(organisers, monkeypatch):
    """Contests does not name participants' permission: participants registers it at start-up,
    and with none registered nobody sees a number in full."""
    user = grant_full_identity(organisers["city"])
    assert masking.can_view_full_identity(user) is True
    monkeypatch.setattr(masking, "_full_identity_permission", None)
    user = type(user).objects.get(pk=user.pk)  # a fresh permission cache
    assert masking.can_view_full_identity(user) is False


def test_no_log_no_full_number(contest, organisers, client, monkeypatch):
    """Without a log writer registered (participants not loaded), nothing is shown in full."""
    monkeypatch.setattr(masking, "_audit_writer", None)
    user = grant_full_identity(organisers["city"])
    response, html = page(client, user, contest)
    assert NUMBER not in html and f'value="{MASKED}"' in html
