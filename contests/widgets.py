"""The rich text editor of the admin: a textarea that a script turns into a WYSIWYG editor
(ProseMirror, vendored in static/vendor/prosemirror-1.44.0/, see static/vendor/README.md).

The textarea stays the field: the editor writes its HTML back into it when the text changes,
and without JavaScript (or for a text the editor cannot show without loss, such as a table)
the organiser types HTML in it as before. What is posted is sanitised on the server by
contests.rich_text.rich_text_clean whatever the browser sent."""

from django import forms
from django.template.loader import render_to_string

VENDOR = "vendor/prosemirror-1.44.0"


class RichTextEditor(forms.Textarea):
    # The toolbar's template, rendered by the project's template engine (the form renderer
    # only knows Django's own widget templates); it wraps the ordinary textarea.
    editor_template_name = "admin/widgets/rich_text_editor.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 10, "cols": 80, "class": "vLargeTextField", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        return render_to_string(self.editor_template_name, {"textarea": textarea})

    class Media:
        css = {"all": [f"{VENDOR}/prosemirror.css", "css/rich_text_editor.css"]}
        js = [f"{VENDOR}/prosemirror.min.js", "js/rich_text_editor.js"]
