"""The organiser isolation matrix: district A's organiser against district B's objects on every
admin page of every scoped model, the city account seeing everything, and a staff account
with no unit seeing nothing.

Generic over the admin registry: every registered ModelAdmin that uses ScopedAdminMixin must
have an entry in CASES (a function that makes one object inside district A and one inside
district B); `test_every_scoped_admin_has_a_case` fails when a new scoped admin is added
without one. For each model the checks are:
- changelist: A's object listed, B's not (and B's change URL nowhere in the page);
- change / delete / history pages of B's object: 404 (403 only where the same page of A's own
  object is 403 too, i.e. the action is not allowed at all), never 200 or a redirect;
- POST to B's change and delete pages and the bulk delete action: nothing changes;
- foreign-key and many-to-many dropdowns of the add form (or of A's object's change form when
  adding is not allowed), inlines included: no object of district B;
- list filters on relations: only related rows that the visible rows point to;
- autocomplete, wherever an admin offers this model in `autocomplete_fields`: no B object;
- the city account opens both objects; a staff account with no unit sees neither."""

import datetime
from collections.abc import Callable

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.auth.models import Permission
from django.db import models
from django.forms import ModelChoiceField
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.admin_scoping import ScopedAdminMixin
from tests.conftest import make_organiser
from tests.factories import (
    ContestFactory,
    ParticipantFactory,
    QuestionFactory,
    RegistrationFactory,
    TopicFactory,
    UserFactory,
)

# --- The registry: model label -> maker of (object in district A, object in district B) ------
# A maker gets `w`, a dict shared by all makers of one test (the tree's units under "unit:<code>",
# and whatever earlier makers stored), so that objects are built once and reused.

CASES: dict[str, Callable[[dict], tuple[models.Model, models.Model]]] = {}
# Extra query string for the changelist (the unit tree shows one level unless filtered).
CHANGELIST_QUERY: dict[str, str] = {"contests.Unit": "?kind__exact=ward"}


def case(label: str):
    def register(maker):
        CASES[label] = maker
        return maker

    return register


def both(w, label):
    """The (A, B) pair of another case, built once."""
    if label not in w:
        w[label] = CASES[label](w)
    return w[label]


@case("contests.Unit")
def _unit(w):
    return w["unit:A-1"], w["unit:B-1"]


@case("contests.Organiser")
def _organiser(w):
    from contests.models import Organiser

    a = make_organiser(w["unit:A-1"], "ward_a1").organiser
    b = make_organiser(w["unit:B-1"], "ward_b1").organiser
    assert isinstance(a, Organiser)
    return a, b


@case("contests.Contest")
def _contest(w):
    return tuple(
        ContestFactory(owner_unit=w[f"unit:{d}"], participation_root=w[f"unit:{d}"])
        for d in ("A", "B")
    )


@case("contests.Topic")
def _topic(w):
    return tuple(TopicFactory(contest=c) for c in both(w, "contests.Contest"))


@case("contests.Question")
def _question(w):
    return tuple(QuestionFactory(topic=t, contest=t.contest) for t in both(w, "contests.Topic"))


@case("contests.PrizeStructure")
def _prize_structure(w):
    from contests.models import PrizeStructure

    return tuple(
        PrizeStructure.objects.create(contest=c, title=f"Giải {c.owner_unit.code}")
        for c in both(w, "contests.Contest")
    )


@case("contests.Announcement")
def _announcement(w):
    from contests.models import Announcement

    return tuple(
        Announcement.objects.create(
            contest=c, kind="other", title=f"Thông báo {c.owner_unit.code}", body="<p>x</p>"
        )
        for c in both(w, "contests.Contest")
    )


@case("participants.Participant")
def _participant(w):
    return tuple(ParticipantFactory(residence_unit=w[f"unit:{d}-1"]) for d in ("A", "B"))


@case("participants.Registration")
def _registration(w):
    contests = both(w, "contests.Contest")
    people = both(w, "participants.Participant")
    return tuple(
        RegistrationFactory(participant=p, contest=c, unit=w[f"unit:{d}-1"])
        for p, c, d in zip(people, contests, ("A", "B"), strict=True)
    )


@case("scoring.Attempt")
def _attempt(w):
    Attempt = apps.get_model("scoring", "Attempt")
    now = timezone.now()
    return tuple(
        Attempt.objects.create(
            registration=r,
            contest=r.contest,
            number=1,
            items=[],
            started_at=now,
            deadline=now + datetime.timedelta(minutes=20),
            question_count=0,
        )
        for r in both(w, "participants.Registration")
    )


@case("scoring.Disqualification")
def _disqualification(w):
    Disqualification = apps.get_model("scoring", "Disqualification")
    return tuple(
        Disqualification.objects.create(registration=r, contest=r.contest, reason_code="other")
        for r in both(w, "participants.Registration")
    )


@case("scoring.RegradeJob")
def _regrade_job(w):
    RegradeJob = apps.get_model("scoring", "RegradeJob")
    return tuple(RegradeJob.objects.create(contest=c) for c in both(w, "contests.Contest"))


@case("scoring.AnswerKeyChange")
def _answer_key_change(w):
    AnswerKeyChange = apps.get_model("scoring", "AnswerKeyChange")
    return tuple(
        AnswerKeyChange.objects.create(question=q, contest=q.contest, before=[1], after=[2])
        for q in both(w, "contests.Question")
    )


@case("scoring.ResultsSnapshot")
def _results_snapshot(w):
    ResultsSnapshot = apps.get_model("scoring", "ResultsSnapshot")
    return tuple(
        ResultsSnapshot.objects.create(contest=c, version=1, prizes=[], budget={})
        for c in both(w, "contests.Contest")
    )


@case("scoring.ExamSession")
def _exam_session(w):
    ExamSession = apps.get_model("scoring", "ExamSession")
    starts = timezone.now() + datetime.timedelta(hours=1)
    return tuple(
        ExamSession.objects.create(
            contest=c,
            unit=w[f"unit:{d}-1"],
            name=f"Ca thi {d}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        )
        for c, d in zip(both(w, "contests.Contest"), ("A", "B"), strict=True)
    )


@case("scoring.Appeal")
def _appeal(w):
    Appeal = apps.get_model("scoring", "Appeal")
    snapshots = both(w, "scoring.ResultsSnapshot")
    return tuple(
        Appeal.objects.create(
            attempt=a,
            registration=a.registration,
            contest=a.contest,
            snapshot=s,
            text="Đề nghị phúc khảo câu 3.",
            filed_at=timezone.now(),
        )
        for a, s in zip(both(w, "scoring.Attempt"), snapshots, strict=True)
    )


@case("scoring.Certificate")
def _certificate(w):
    Certificate = apps.get_model("scoring", "Certificate")
    snapshots = both(w, "scoring.ResultsSnapshot")
    return tuple(
        Certificate.objects.create(
            contest=r.contest,
            snapshot=s,
            registration=r,
            kind="prize",
            award_key=f"giai-nhat-{r.pk}",
            award="Giải Nhất",
            full_name=r.participant.full_name,
            public_name=r.participant.full_name,
            unit_name=r.unit.name,
            organiser_name=r.contest.owner_unit.name,
            issued_on=timezone.localdate(),
        )
        for r, s in zip(both(w, "participants.Registration"), snapshots, strict=True)
    )


@case("scoring.CertificateJob")
def _certificate_job(w):
    CertificateJob = apps.get_model("scoring", "CertificateJob")
    return tuple(
        CertificateJob.objects.create(contest=s.contest, snapshot=s, base_url="http://testserver")
        for s in both(w, "scoring.ResultsSnapshot")
    )


@case("reports.BoardSnapshot")
def _board_snapshot(w):
    BoardSnapshot = apps.get_model("reports", "BoardSnapshot")
    return tuple(
        BoardSnapshot.objects.create(
            contest=c,
            day=timezone.localdate(),
            version=1,
            figures={},
            content_hash="0" * 64,
            made_at=timezone.now(),
        )
        for c in both(w, "contests.Contest")
    )


@case("integrity.AnomalyFlag")
def _anomaly_flag(w):
    AnomalyFlag = apps.get_model("integrity", "AnomalyFlag")
    return tuple(
        AnomalyFlag.objects.create(
            contest=a.contest,
            kind="too_fast",
            registration=a.registration,
            attempt=a,
            evidence={"duration_ms": 20_000, "question_count": 0, "text_chars": 0, "floor_ms": 0},
        )
        for a in both(w, "scoring.Attempt")
    )


@case("contests.UnitTarget")
def _unit_target(w):
    from contests.models import UnitTarget

    return tuple(
        UnitTarget.objects.create(contest=c, unit=w[f"unit:{d}-1"], percent=60)
        for c, d in zip(both(w, "contests.Contest"), ("A", "B"), strict=True)
    )


@case("participants.RosterEntry")
def _roster_entry(w):
    RosterEntry = apps.get_model("participants", "RosterEntry")
    return tuple(
        RosterEntry.objects.create(
            contest=c, unit=w[f"unit:{d}-1"], full_name=f"Cán bộ {d}", phone=f"091234567{i}"
        )
        for i, (c, d) in enumerate(zip(both(w, "contests.Contest"), ("A", "B"), strict=True))
    )


@case("learning.PracticeAttempt")
def _practice_attempt(w):
    PracticeAttempt = apps.get_model("learning", "PracticeAttempt")
    now = timezone.now()
    return tuple(
        PracticeAttempt.objects.create(
            participant=p,
            contest=c,
            kind="practice",
            items=[],
            started_at=now,
            deadline=now + datetime.timedelta(minutes=20),
            question_count=0,
        )
        for p, c in zip(
            both(w, "participants.Participant"), both(w, "contests.Contest"), strict=True
        )
    )


def _judging_task(w, d):
    """An essay task of a contest owned by district d (judging cases)."""
    key = f"judging:task:{d}"
    if key not in w:
        from essays.models import EssayTask

        now = timezone.now()
        contest = ContestFactory(owner_unit=w[f"unit:{d}"], participation_root=w[f"unit:{d}"])
        w[key] = EssayTask.objects.create(
            contest=contest,
            title=f"Bài viết {d}",
            questions="<p>Câu hỏi</p>",
            opens_at=now - datetime.timedelta(days=2),
            unit_deadline=now - datetime.timedelta(days=1),
            city_deadline=now + datetime.timedelta(days=1),
        )
    return w[key]


@case("essays.Judge")
def _judge(w):
    from essays.models import Judge

    return tuple(
        Judge.objects.create(
            user=UserFactory(username=f"giam_khao_{d}"), home_unit=w[f"unit:{d}-1"]
        )
        for d in ("A", "B")
    )


@case("essays.Panel")
def _panel(w):
    from essays.models import Panel

    judges = both(w, "essays.Judge")
    panels = []
    for d, judge in zip(("A", "B"), judges, strict=True):
        panel = Panel.objects.create(
            task=_judging_task(w, d), unit=w[f"unit:{d}"], stage="preliminary", name=f"BGK {d}"
        )
        panel.judges.add(judge)
        panels.append(panel)
    return tuple(panels)


@case("essays.Assignment")
def _assignment(w):
    from essays.models import Assignment, Entry

    out = []
    for d, panel, judge in zip(
        ("A", "B"), both(w, "essays.Panel"), both(w, "essays.Judge"), strict=True
    ):
        registration = RegistrationFactory(contest=panel.task.contest, unit=w[f"unit:{d}-1"])
        entry = Entry.objects.create(
            task=panel.task,
            registration=registration,
            code=f"JUDGE{d}01",
            status="submitted",
            submitted_at=timezone.now(),
            district=w[f"unit:{d}"],
        )
        out.append(
            Assignment.objects.create(entry=entry, panel=panel, judge=judge, stage="preliminary")
        )
    return tuple(out)


@case("essays.EssayTask")
def _essay_task(w):
    return tuple(_judging_task(w, d) for d in ("A", "B"))


@case("essays.Entry")
def _essay_entry(w):
    from essays.models import Entry

    out = []
    for d in ("A", "B"):
        task = _judging_task(w, d)
        registration = RegistrationFactory(contest=task.contest, unit=w[f"unit:{d}-1"])
        out.append(
            Entry.objects.create(
                task=task,
                registration=registration,
                code=f"ENTRY{d}01",
                status="submitted",
                submitted_at=timezone.now(),
                district=w[f"unit:{d}"],
            )
        )
    return tuple(out)


# --- Helpers --------------------------------------------------------------------------------


def scoped_admins() -> dict[str, admin.ModelAdmin]:
    return {
        model._meta.label: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ScopedAdminMixin)
    }


def admin_url(obj_or_model, page: str, *args) -> str:
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grant_everything(user):
    """Every model permission of the scoped models: what is tested is the scope, not the
    permission (a missing permission would answer 403 and hide a scoping hole)."""
    labels = [label.split(".") for label in CASES]
    perms = Permission.objects.filter(
        content_type__app_label__in={a for a, _m in labels},
        content_type__model__in={m.lower() for _a, m in labels},
    )
    user.user_permissions.add(*perms)
    return user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Dozens of accounts per test: Argon2 at production strength would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(tree, organisers):
    w = {f"unit:{code}": unit for code, unit in tree.items()}
    for label in CASES:
        if label in scoped_admins():
            both(w, label)
    w["users"] = {
        "a": grant_everything(organisers["a"]),
        "city": grant_everything(organisers["city"]),
        "nobody": grant_everything(make_organiser(None, "no_unit")),
    }
    return w


def registered(label):
    if label not in scoped_admins():
        pytest.skip(f"{label} has no scoped admin registered")
    return apps.get_model(label), scoped_admins()[label]


LABELS = sorted(CASES)


# --- The matrix -----------------------------------------------------------------------------


def test_every_scoped_admin_has_a_case():
    missing = sorted(set(scoped_admins()) - set(CASES))
    assert missing == [], f"add a CASES entry to tests/site/test_admin_isolation.py: {missing}"


@pytest.mark.parametrize("label", LABELS)
def test_changelist_lists_own_objects_only(world, label):
    model, _model_admin = registered(label)
    a, b = world[label]
    response = login(world["users"]["a"]).get(
        admin_url(model, "changelist") + CHANGELIST_QUERY.get(label, "")
    )
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["cl"].queryset}
    assert a.pk in listed
    assert b.pk not in listed
    assert admin_url(b, "change", b.pk) not in response.content.decode()


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("page", ["change", "delete", "history"])
def test_pages_of_another_districts_object_are_404(world, label, page):
    model, _model_admin = registered(label)
    a, b = world[label]
    client = login(world["users"]["a"])
    own = client.get(admin_url(a, page, a.pk)).status_code
    other = client.get(admin_url(b, page, b.pk)).status_code
    assert own in (200, 403)
    # Not allowed at all (403 for one's own object too): 403 or 404, both tell nothing.
    assert other == 404 if own == 200 else other in (403, 404)


@pytest.mark.parametrize("label", LABELS)
def test_posts_to_another_districts_object_change_nothing(world, label):
    model, model_admin = registered(label)
    _a, b = world[label]
    client = login(world["users"]["a"])
    before = model._default_manager.filter(pk=b.pk).values().get()
    assert client.post(admin_url(b, "change", b.pk), {}).status_code in (403, 404)
    assert client.post(admin_url(b, "delete", b.pk), {"post": "yes"}).status_code in (403, 404)
    client.post(
        admin_url(model, "changelist") + CHANGELIST_QUERY.get(label, ""),
        {"action": "delete_selected", "_selected_action": [b.pk], "post": "yes"},
    )
    assert model._default_manager.filter(pk=b.pk).values().get() == before


def _form_choice_fields(response):
    """Every model choice field of the page's form and of its inlines' empty forms."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        forms.append(inline.formset.empty_form)
    for form in forms:
        own_pk = form._meta.model._meta.pk.name
        for name, field in form.fields.items():
            # An inline form's own hidden pk field is not a dropdown; Django checks a submitted
            # pk against the inline formset's queryset (the parent's rows).
            if name == own_pk and field.queryset.model is form._meta.model:
                continue
            if isinstance(field, ModelChoiceField):
                yield f"{type(form).__name__}.{name}", field


@pytest.mark.parametrize("label", LABELS)
def test_foreign_key_dropdowns_hold_no_other_district_object(world, label):
    model, _model_admin = registered(label)
    a, _b = world[label]
    client = login(world["users"]["a"])
    response = client.get(admin_url(model, "add"))
    if response.status_code == 403:  # adding is not allowed here: look at a change form
        response = client.get(admin_url(a, "change", a.pk))
    assert response.status_code == 200
    by_model = {apps.get_model(lbl): world[lbl] for lbl in CASES if lbl in world}
    checked = 0
    for name, field in _form_choice_fields(response):
        pair = by_model.get(field.queryset.model)
        if pair is None:
            continue
        checked += 1
        offered = set(field.queryset.values_list("pk", flat=True))
        assert pair[1].pk not in offered, f"{name} offers district B's {pair[1]!r}"
    # The unit tree's own form at least has the "relative to" dropdown.
    if label == "contests.Unit":
        assert checked >= 1


@pytest.mark.parametrize("label", LABELS)
def test_list_filters_offer_only_what_visible_rows_point_to(world, label):
    model, model_admin = registered(label)
    client = login(world["users"]["a"])
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    request = response.wsgi_request
    for spec in response.context["cl"].filter_specs:
        if not isinstance(spec, RelatedFieldListFilter):
            continue
        offered = {pk for pk, _label in spec.lookup_choices}
        pointed = set(
            model_admin.get_queryset(request).values_list(f"{spec.field_path}__pk", flat=True)
        )
        assert offered <= pointed, f"{label} filter {spec.field_path} offers {offered - pointed}"


def _autocomplete_sources() -> list[tuple[str, str, str]]:
    """(target label, source label, field name) for every admin field offering a scoped model
    by autocomplete."""
    sources = []
    for source_model, source_admin in admin.site._registry.items():
        for name in source_admin.autocomplete_fields:
            target = source_model._meta.get_field(name).related_model._meta.label
            if target in CASES:
                sources.append((target, source_model._meta.label, name))
    return sorted(sources)


@pytest.mark.parametrize(("label", "source", "field_name"), _autocomplete_sources())
def test_autocomplete_returns_no_other_district_object(world, label, source, field_name):
    registered(label)
    source_model = apps.get_model(source)
    a, b = world[label]
    for user, expected in (
        (world["users"]["a"], {a.pk}),
        (world["users"]["city"], {a.pk, b.pk}),
    ):
        response = login(user).get(
            "/quan-tri/autocomplete/",
            {
                "app_label": source_model._meta.app_label,
                "model_name": source_model._meta.model_name,
                "field_name": field_name,
                "term": "",
            },
        )
        assert response.status_code == 200
        ids = {int(r["id"]) for r in response.json()["results"]}
        assert expected & {a.pk, b.pk} == ids & {a.pk, b.pk}


@pytest.mark.parametrize("label", LABELS)
def test_city_sees_both_districts(world, label):
    model, _model_admin = registered(label)
    a, b = world[label]
    client = login(world["users"]["city"])
    response = client.get(admin_url(model, "changelist") + CHANGELIST_QUERY.get(label, ""))
    listed = {obj.pk for obj in response.context["cl"].queryset}
    assert {a.pk, b.pk} <= listed
    for obj in (a, b):
        assert client.get(admin_url(obj, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("label", LABELS)
def test_staff_without_unit_sees_nothing(world, label):
    model, _model_admin = registered(label)
    a, b = world[label]
    client = login(world["users"]["nobody"])
    response = client.get(admin_url(model, "changelist") + CHANGELIST_QUERY.get(label, ""))
    assert response.status_code == 200
    assert response.context["cl"].queryset.count() == 0
    for obj in (a, b):
        assert client.get(admin_url(obj, "change", obj.pk)).status_code == 404


# --- The unit tree's own endpoints (treebeard) ----------------------------------------------


def test_unit_tree_starts_at_the_organisers_unit(world):
    client = login(world["users"]["a"])
    response = client.get("/quan-tri/contests/unit/")
    assert [u.code for u in response.context["cl"].result_list] == ["A"]
    children = client.get(f"/quan-tri/contests/unit/children/{world['unit:A'].pk}/")
    assert children.status_code == 200
    assert [n["node-id"] for n in children.json()["tree_context"]] == [
        str(world["unit:A-1"].pk),
        str(world["unit:A-2"].pk),
    ]
    assert client.get(f"/quan-tri/contests/unit/children/{world['unit:B'].pk}/").status_code == 404
    assert client.get("/quan-tri/contests/unit/children/abc/").status_code == 404
    # The city starts at the root.
    response = login(world["users"]["city"]).get("/quan-tri/contests/unit/")
    assert [u.code for u in response.context["cl"].result_list] == ["C"]


def test_unit_move_endpoint_is_scoped(world):
    from contests.models import Unit

    client = login(world["users"]["a"])
    a1, a2, b = world["unit:A-1"], world["unit:A-2"], world["unit:B"]
    move = "/quan-tri/contests/unit/move/"
    # Stealing B's node or giving one to B: 404, nothing moves.
    paths = dict(Unit.objects.values_list("code", "path"))
    assert (
        client.post(move, {"node": a1.pk, "target": b.pk, "relation": "child"}).status_code == 404
    )
    assert (
        client.post(
            move, {"node": world["unit:B-1"].pk, "target": a1.pk, "relation": "child"}
        ).status_code
        == 404
    )
    # Moving its own unit, or putting something beside it: refused.
    own = world["unit:A"]
    assert (
        client.post(move, {"node": own.pk, "target": a1.pk, "relation": "child"}).status_code == 403
    )
    assert (
        client.post(move, {"node": a1.pk, "target": own.pk, "relation": "sibling"}).status_code
        == 403
    )
    assert dict(Unit.objects.values_list("code", "path")) == paths
    # Inside the subtree it works.
    assert (
        client.post(move, {"node": a2.pk, "target": a1.pk, "relation": "child"}).status_code == 200
    )
    assert Unit.objects.get_parent(Unit.objects.get(pk=a2.pk)).code == "A-1"


def test_organisers_own_unit_is_read_only(world):
    client = login(world["users"]["a"])
    own = world["unit:A"]
    response = client.get(admin_url(own, "change", own.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert client.get(admin_url(own, "delete", own.pk)).status_code == 403


def test_unit_add_form_places_units_only_inside_the_subtree(world):
    from contests.models import Unit

    client = login(world["users"]["a"])
    url = admin_url(Unit, "add")
    form = client.get(url).context["adminform"].form
    ref = form.fields["treebeard_ref_node"]
    assert sorted(u.code for u in ref.queryset) == ["A", "A-1", "A-2"]
    assert ("", ref.empty_label) not in list(ref.choices)  # no "-- root --"
    data = {"code": "A-9", "name": "Phường A9", "kind": "ward", "headcount": ""}
    # Beside its own unit (i.e. under the block, outside): refused.
    response = client.post(
        url,
        {**data, "treebeard_position": "sorted-sibling", "treebeard_ref_node": world["unit:A"].pk},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["treebeard_position"] == [
        "Đơn vị phải nằm bên trong Quận A, không ngang cấp với nó."
    ]
    # Under district B: not a valid choice.
    response = client.post(
        url,
        {**data, "treebeard_position": "sorted-child", "treebeard_ref_node": world["unit:B"].pk},
    )
    assert "treebeard_ref_node" in response.context["adminform"].form.errors
    # As a root: the field is required.
    response = client.post(
        url, {**data, "treebeard_position": "sorted-child", "treebeard_ref_node": ""}
    )
    assert "treebeard_ref_node" in response.context["adminform"].form.errors
    assert not Unit.objects.filter(code="A-9").exists()
    # Under its own unit: created.
    response = client.post(
        url,
        {**data, "treebeard_position": "sorted-child", "treebeard_ref_node": world["unit:A"].pk},
    )
    assert response.status_code == 302
    assert Unit.objects.get_parent(Unit.objects.get(code="A-9")).code == "A"


def test_organiser_user_dropdown_lists_only_free_or_own_staff(world):
    from contests.models import Organiser

    client = login(world["users"]["a"])
    response = client.get(admin_url(Organiser, "add"))
    users = {u.username for u in response.context["adminform"].form.fields["user"].queryset}
    # Own organisers and the free staff account; not district B's, not the city's, not the
    # superuser, not participants' accounts.
    assert users == {"district_a", "ward_a1", "no_unit"}


def test_a_province_account_does_not_see_another_province(world):
    from contests.services.units import unit_add

    other = unit_add(code="P2", name="Tỉnh khác", kind="province")
    response = login(world["users"]["city"]).get(admin_url(other, "change", other.pk))
    assert response.status_code == 404
