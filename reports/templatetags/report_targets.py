"""The targets panel (templates/reports/_targets.html) for the dashboard and the summary:
it reads its own figures (reports.selectors_targets.targets_panel, cached), so that the
pages include it with one line and their views stay as they are."""

from django import template

from reports.selectors_targets import targets_panel as panel_for

register = template.Library()


@register.simple_tag
def targets_panel(contest, unit):
    if contest is None or unit is None:
        return None
    return panel_for(contest=contest, unit=unit)
