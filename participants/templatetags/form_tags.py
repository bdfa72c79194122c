"""The error summary of a refused form (templates/partials/error_summary.html)."""

from django import template

register = template.Library()

# Widgets drawn as a group of inputs: the summary links to the first one.
GROUP_WIDGETS = {"radioselect", "checkboxselectmultiple"}


@register.simple_tag
def error_items(form, cascades=None) -> list[dict]:
    """What went wrong, in the order of the page: the form's own errors (no link), then each
    field's errors with a link to the field, then the unit pickers' (`cascades`: UnitCascade
    objects, or one) with a link to their first level."""
    items: list[dict] = []
    if getattr(form, "errors", None):
        items.extend({"href": "", "text": str(e)} for e in form.non_field_errors())
        for field in form:
            if field.is_hidden or not field.errors:
                continue
            target = field.auto_id
            if field.widget_type in GROUP_WIDGETS:
                target = f"{target}_0"
            # A tick box's label is a whole sentence; its message says what is missing.
            prefix = "" if field.widget_type == "checkbox" else f"{field.label}: "
            items.extend({"href": f"#{target}", "text": f"{prefix}{e}"} for e in field.errors)
    if not isinstance(cascades, list | tuple):
        cascades = [cascades]
    for cascade in cascades:
        if not hasattr(cascade, "errors"):  # not given: the template passes "" or None
            continue
        target = f"#{cascade.prefix}_0" if cascade.levels else ""
        items.extend({"href": target, "text": f"{cascade.label}: {e}"} for e in cascade.errors)
    return items
