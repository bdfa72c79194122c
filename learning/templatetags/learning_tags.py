"""Learning's parts of other apps' pages: the "Thi thử" and "Ôn lại câu sai" links on the
contest page (contests) and on the result of an attempt (scoring), which never import this app.
Neither costs a query: both read only the contest (and the attempt) the page already has."""

from django import template
from django.utils import timezone

from learning.rules.practice import practice_open
from learning.rules.review import review_may_be_open

register = template.Library()


def _practice_shown(contest, now) -> bool:
    return practice_open(contest.practice_mode, contest.opens_at, contest.closes_at, now)


@register.inclusion_tag("learning/_links.html", takes_context=True)
def contest_learning_links(context, contest, rounds=None) -> dict:
    """On the contest page: "Thi thử" while practice is open; "Ôn lại câu sai" to a logged-in
    visitor once the contest's review policy may show answers (the review page itself checks
    the person's own attempts)."""
    now = timezone.now()
    request = context.get("request")
    logged_in = bool(request and request.user.is_authenticated)
    return {
        "contest": contest,
        "practice": _practice_shown(contest, now),
        "review": logged_in
        and review_may_be_open(
            review_content=contest.review_content,
            review_timing=contest.review_timing,
            closes_at=contest.closes_at,
            round_closes=[r.closes_at for r in rounds or []],
            now=now,
        ),
    }


@register.inclusion_tag("learning/_links.html")
def result_learning_links(contest, attempt, review) -> dict:
    """On the result of an attempt: "Thi thử" while practice is open; "Ôn lại câu sai" when
    the attempt's review is allowed (`review`: the result page's review, None when the policy
    hides it) and it has a question not answered right."""
    missed = attempt.correct_count is not None and attempt.correct_count < attempt.question_count
    return {
        "contest": contest,
        "practice": _practice_shown(contest, timezone.now()),
        "review": review is not None and missed,
    }
