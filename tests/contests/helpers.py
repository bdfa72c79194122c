"""Helpers for the contests tests."""

from lxml import html


def form_fields(response, form_id: str) -> dict:
    """Name → value of every field of the form `form_id` in an HTML response, as a browser
    would submit it unchanged (checked boxes only, selected options, textarea text)."""
    document = html.fromstring(response.content.decode())
    form = document.get_element_by_id(form_id)
    data: dict = {}
    for element in form.iter("input", "select", "textarea"):
        name = element.get("name")
        if not name:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image"):
                continue
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    data[name] = element.get("value") or "on"
                continue
            data[name] = element.get("value") or ""
        elif element.tag == "select":
            options = element.iter("option")
            chosen = [o.get("value") for o in options if o.get("selected") is not None]
            data[name] = chosen[0] if chosen else ""
        else:
            data[name] = element.text or ""
    return data
