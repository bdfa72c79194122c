"""The attempts admin: read-only, and an organiser sees only attempts of their subtree."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from scoring.services.attempts import attempt_start
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring import exam_support as support

clean_cache_and_broker = support.clean_cache_and_broker

pytestmark = pytest.mark.django_db


def test_attempt_admin_is_scoped_and_read_only(tree, organisers):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    in_a = attempt_start(registration=RegistrationFactory(contest=contest, unit=tree["A-1"]))
    in_b = attempt_start(registration=RegistrationFactory(contest=contest, unit=tree["B-1"]))
    view = Permission.objects.get(codename="view_attempt")
    for user in organisers.values():
        user.user_permissions.add(view)

    def client_for(key):
        client = Client()
        client.force_login(organisers[key])
        return client

    changelist = reverse("admin:scoring_attempt_changelist")
    a_page = client_for("a").get(changelist)
    assert a_page.status_code == 200
    assert list(a_page.context["cl"].queryset) == [in_a]
    city = client_for("city").get(changelist)
    assert set(city.context["cl"].queryset) == {in_a, in_b}

    # Outside the subtree: 404; inside: read-only.
    outside = client_for("a").get(reverse("admin:scoring_attempt_change", args=[in_b.pk]))
    assert outside.status_code == 404
    inside = client_for("a").get(reverse("admin:scoring_attempt_change", args=[in_a.pk]))
    assert inside.status_code == 200
    assert b'name="_save"' not in inside.content
    post = client_for("root").post(
        reverse("admin:scoring_attempt_change", args=[in_a.pk]), {"status": "graded"}
    )
    assert post.status_code == 403
    assert client_for("root").get(reverse("admin:scoring_attempt_add")).status_code == 403
