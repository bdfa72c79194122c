"""Live figures through the real views: the dashboard refreshes stale roll-ups itself (no
beat in the embedded default), never shows figures older than the prize list beside it
without saying so, and organisers have a rate-limited "Cập nhật số liệu" button."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import RollupState
from reports.services.rollups import rollups_recompute
from tests.factories import ContestFactory
from tests.reports.conftest import make_attempt, register


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dashboard(contest, unit=None) -> str:
    url = reverse("reports:dashboard", args=[contest.slug])
    return url + (f"?unit={unit}" if unit else "")


def age(contest, seconds: int) -> None:
    """Make the contest's roll-ups look `seconds` old (written and covering up to then)."""
    then = timezone.now() - datetime.timedelta(seconds=seconds)
    RollupState.objects.filter(contest=contest).update(
        refreshed_at=then, recomputed_at=then, graded_watermark=then
    )


def newcomer(contest, tree):
    """A new person in ward A-1 with one graded attempt, graded a few seconds ago (the
    factory grades two seconds after the finish)."""
    person = register(contest, tree["A-1"], block=tree["C-Q"], full_name="Hoàng Văn Mới")
    make_attempt(person, 1, 9, finished=timezone.now() - datetime.timedelta(seconds=4))


@pytest.fixture
def locks():
    keys = []
    yield keys
    cache.delete_many(keys)


@pytest.mark.sqlite
def test_never_rolled_up_contest_is_rolled_up_on_view(small_contest, organisers):
    html = client_for(organisers["city"]).get(dashboard(small_contest)).content.decode()
    assert 'data-figure="participants">5<' in html
    assert 'data-figure="attempts">9<' in html
    state = RollupState.objects.get(contest=small_contest)
    local = timezone.localtime(state.refreshed_at)
    assert f"Số liệu cập nhật lúc {local:%H:%M %d/%m/%Y}" in html


@pytest.mark.sqlite
def test_stale_figures_are_refreshed_on_view(small_contest, organisers, tree):
    rollups_recompute(contest=small_contest)
    newcomer(small_contest, tree)
    client = client_for(organisers["city"])
    # Under two minutes old, below the root (no prize list beside): shown as they are.
    age(small_contest, 60)
    html = client.get(dashboard(small_contest, "A")).content.decode()
    assert 'data-figure="participants">3<' in html
    # Two minutes old with something graded since: refreshed first.
    age(small_contest, 180)
    html = client.get(dashboard(small_contest, "A")).content.decode()
    assert 'data-figure="participants">4<' in html
    state = RollupState.objects.get(contest=small_contest)
    assert timezone.now() - state.refreshed_at < datetime.timedelta(seconds=60)


def test_old_figures_without_changes_are_not_recomputed(small_contest, organisers):
    rollups_recompute(contest=small_contest)
    age(small_contest, 86_400)
    before = RollupState.objects.get(contest=small_contest).refreshed_at
    client_for(organisers["city"]).get(dashboard(small_contest))
    assert RollupState.objects.get(contest=small_contest).refreshed_at == before


def test_figures_behind_the_prize_list_are_refreshed_or_say_so(
    small_contest, organisers, tree, locks
):
    rollups_recompute(contest=small_contest)
    newcomer(small_contest, tree)  # the live prize list already counts this grading
    client = client_for(organisers["city"])
    # A few seconds old: not recomputed at once, but the page says the figures are older.
    age(small_contest, 5)
    html = client.get(dashboard(small_contest)).content.decode()
    assert 'data-figure="participants">5<' in html
    assert 'id="figures-behind"' in html and "trước danh sách giải" in html
    # Another view is refreshing (its lock is held): this one does not wait, says so.
    age(small_contest, 30)
    key = f"reports:rollups-refreshing:{small_contest.pk}"
    locks.append(key)
    cache.set(key, 1, 60)
    html = client.get(dashboard(small_contest)).content.decode()
    assert 'data-figure="participants">5<' in html and 'id="figures-behind"' in html
    cache.delete(key)
    # Free again: refreshed first, nothing older than the prize list.
    html = client.get(dashboard(small_contest)).content.decode()
    assert 'data-figure="participants">6<' in html
    assert 'id="figures-behind"' not in html


def test_refresh_button(small_contest, organisers, tree):
    rollups_recompute(contest=small_contest)
    newcomer(small_contest, tree)
    age(small_contest, 5)
    client = client_for(organisers["a"])
    url = reverse("reports:refresh", args=[small_contest.slug])
    assert client.get(url).status_code == 405
    response = client.post(url, {"unit": "A-1"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?unit=A-1")
    html = response.content.decode()
    assert "Đã cập nhật số liệu lúc" in html
    assert 'data-figure="participants">3<' in html  # two before, the newcomer now
    # Again at once: refused, with the wait in Vietnamese, nothing recomputed.
    before = RollupState.objects.get(contest=small_contest).refreshed_at
    html = client.post(url, {"unit": "A-1"}, follow=True).content.decode()
    assert "Vui lòng thử lại sau" in html and "giây" in html
    assert RollupState.objects.get(contest=small_contest).refreshed_at == before
    # Outside the organiser's subtree, or an unknown unit: 404, nothing done.
    for code in ("B-1", "C", "NOPE"):
        assert client.post(url, {"unit": code}).status_code == 404, code


def test_refresh_button_only_for_contests_in_scope(tree, organisers):
    contest = ContestFactory(owner_unit=tree["A"], participation_root=tree["A"])
    url = reverse("reports:refresh", args=[contest.slug])
    assert client_for(organisers["b"]).post(url).status_code == 404
    assert not RollupState.objects.filter(contest=contest).exists()
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
