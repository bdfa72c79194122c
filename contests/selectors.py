"""Reads of the unit tree and of what an organiser may see."""

from django.db.models import QuerySet

from contests.models import Unit


def organiser_unit(*, user) -> Unit | None:
    """The unit a staff account is attached to; None for superusers (they see everything)
    and for accounts with no unit (they see nothing)."""
    if user.is_superuser:
        return None
    organiser = getattr(user, "organiser", None)
    return organiser.unit if organiser is not None else None


def sees_everything(*, user) -> bool:
    if user.is_superuser:
        return True
    unit = organiser_unit(user=user)
    # The account attached to a root (the city) sees the whole tree.
    return unit is not None and unit.depth == 1


def unit_subtree(*, unit: Unit) -> QuerySet[Unit]:
    """The unit and everything below it: one indexed `path LIKE 'prefix%'` query."""
    return Unit.objects.filter(path__startswith=unit.path)


def unit_ancestors(*, unit: Unit) -> QuerySet[Unit]:
    """The unit's ancestors, root first, without the unit: one `path IN (...)` query."""
    steplen = Unit.steplen
    paths = [unit.path[:i] for i in range(steplen, len(unit.path), steplen)]
    return Unit.objects.filter(path__in=paths).order_by("depth")


def units_visible_to(*, user) -> QuerySet[Unit]:
    if sees_everything(user=user):
        return Unit.objects.all()
    unit = organiser_unit(user=user)
    if unit is None:
        return Unit.objects.none()
    return unit_subtree(unit=unit)


def path_prefix_for(*, user) -> str | None:
    """The path prefix an organiser's rows must start with; "" for all, None for none."""
    if sees_everything(user=user):
        return ""
    unit = organiser_unit(user=user)
    return unit.path if unit is not None else None
