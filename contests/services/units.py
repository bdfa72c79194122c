"""Writes for what organisers set up: the unit tree, roles."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from contests.models import Unit
from contests.models.units import unit_code_validator

ORGANISER_GROUP = "Cán bộ tổ chức"
COMMITTEE_GROUP = "Ban Tổ chức (chỉ xem)"
# Essay judges (essays.models.Judge): no admin permission at all; they mark on /cham-thi/.
JUDGE_GROUP = "Giám khảo"


def organiser_models() -> dict[str, list[str]]:
    """app_label -> the model names an organiser manages (add/change/delete/view) in its subtree.
    Each app lists its own on its AppConfig (`organiser_models`), so that contests grants
    participants' and scoring's permissions without naming their models."""
    return {
        config.label: list(config.organiser_models)
        for config in apps.get_app_configs()
        if getattr(config, "organiser_models", None)
    }


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create (or bring up to date) the organiser, read-only committee and judge groups.
    Idempotent: safe to run at every deploy and every demo seed."""
    organiser, _created = Group.objects.get_or_create(name=ORGANISER_GROUP)
    committee, _created = Group.objects.get_or_create(name=COMMITTEE_GROUP)
    organiser_perms, view_perms = [], []
    for app_label, models in organiser_models().items():
        perms = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
        organiser_perms.extend(perms)
        view_perms.extend(p for p in perms if p.codename.startswith("view_"))
    organiser.permissions.set(organiser_perms)
    committee.permissions.set(view_perms)
    judge, _created = Group.objects.get_or_create(name=JUDGE_GROUP)
    judge.permissions.clear()
    return {"organiser": organiser, "committee": committee, "judge": judge}


def unit_add(
    *, code: str, name: str, kind: str, parent: Unit | None = None, headcount: int | None = None
) -> Unit:
    """Add a unit under `parent` (a root when None), or update name/kind/headcount of the unit
    with that code when it already exists and has the same parent (idempotent seeds).
    Raises ValueError with the Vietnamese message for a code that is not a unit code."""
    try:
        unit_code_validator(code)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from error
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        if parent is not None and not existing.path.startswith(parent.path):
            raise ValueError(_("Mã đơn vị %(code)s đã thuộc đơn vị khác.") % {"code": code})
        Unit.objects.filter(pk=existing.pk).update(name=name, kind=kind, headcount=headcount)
        existing.refresh_from_db()
        return existing
    fields = {"code": code, "name": name, "kind": kind, "headcount": headcount}
    if parent is None:
        return Unit.objects.add_root(fields)
    parent.refresh_from_db()  # treebeard needs the current numchild/path of the parent
    return Unit.objects.add_child(parent, fields)
