"""The two bare views. No login, no service layer: the floor the exam's views are compared
with. Same middleware (sessions, CSRF...) as every page of the site."""

import json

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from benchmarks.baseline.models import BareRow
from contests.models import Option


@require_POST
def bare_insert(request):
    try:
        data = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("bad json")
    BareRow.objects.create(data=data)
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def bare_render(request):
    """A 20-question form (the bench's contest's first 20 questions), from one query."""
    questions: dict[int, dict] = {}
    rows = (
        Option.objects.filter(question__contest__slug=request.GET.get("c", "bench"))
        .order_by("question_id", "position")
        .values_list("question_id", "question__text", "id", "text")[:80]
    )
    for question_id, question_text, option_id, option_text in rows:
        entry = questions.setdefault(question_id, {"id": question_id, "text": question_text})
        entry.setdefault("options", []).append({"id": option_id, "text": option_text})
    return render(request, "baseline/form.html", {"questions": list(questions.values())})
