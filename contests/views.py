"""Public pages: home, contest list, contest page. Thin adapters over contests.selectors.

Everything they show is the same for every visitor and comes from the cache (60 s), so a
warm page costs no database query; the per-user parts (header: login / logout) are rendered
from the session only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from contests.models import Announcement
from contests.rules.rounds import countdown_text, rounds_now
from contests.selectors import (
    PUBLIC_STATUSES,
    announcements_shown,
    contest_page,
    contest_phase,
    contests_by_phase,
)
from contests.services.announcements import announcement_mark_read
from contests.share import ShareCard, contest_card, share_image_cached, site_card


def home(request):
    phases = contests_by_phase()
    return render(
        request,
        "home.html",
        {"open_contests": phases["open"], "upcoming_contests": phases["upcoming"][:3]},
    )


def contest_list(request):
    return render(request, "contests/contest_list.html", {"phases": contests_by_phase()})


def contest_detail(request, slug: str):
    page = contest_page(slug=slug)
    if page is None:
        raise Http404(_("Không có cuộc thi này."))
    contest = page.contest
    now = timezone.now()
    announcements, archived = announcements_shown(announcements=page.announcements, now=now)
    rounds = rounds_now(page.rounds, now=now) if page.rounds else None
    winners_round, missing = _winners_round(request, page)
    if missing:
        context = {"contest": contest, "message": missing}
        return render(request, "contests/round_missing.html", context, status=404)
    return render(
        request,
        "contests/contest_detail.html",
        {
            "page": page,
            "contest": contest,
            "phase": contest_phase(contest=contest, now=now),
            # The registration count is participants' (participant_tags.registration_count).
            "rounds_now": rounds,
            "countdown": (
                countdown_text(rounds.until_next) if rounds and rounds.until_next else ""
            ),
            "announcements": announcements,
            "announcements_archived": archived,
            # ?vong=N: whose winners the page shows (scoring's contest_winners tag).
            "winners_round": winners_round,
        },
    )


def _winners_round(request, page):
    """(the round named by `?vong=<number>` or None without it, why it cannot be shown or "").
    Not a round of this contest → a Vietnamese 404. Whether its results are published is
    scoring's to say (the winners tag shows a notice when they are not)."""
    raw = request.GET.get("vong")
    if raw is None:
        return None, ""
    found = next((r for r in page.rounds if str(r.number) == raw.strip()), None)
    if found is None:
        message = _("Cuộc thi này không có tuần/vòng thi “%(value)s”.") % {"value": raw[:20]}
        return None, message
    return found, ""


@require_POST
@login_required
def announcement_read(request, pk: int):
    """A signed-in person dismisses an announcement's banner (a form POST with its CSRF token,
    no script needed), then goes back to the page they were on."""
    announcement = get_object_or_404(
        Announcement.objects.select_related("contest"),
        pk=pk,
        contest__status__in=PUBLIC_STATUSES,
        published_at__lte=timezone.now(),
    )
    announcement_mark_read(announcement=announcement, user=request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("contests:contest_detail", args=[announcement.contest.slug])
    return redirect(back)


# --- Share images (Open Graph / Twitter card) ------------------------------------------------


def _png(request, card: ShareCard) -> HttpResponse:
    response = HttpResponse(share_image_cached(card), content_type="image/png")
    # The og:image URL carries ?v=<what is drawn>: that address never changes content, so
    # proxies and crawlers may keep it a long time; any other address only briefly.
    current = request.GET.get("v") == card.version
    response["Cache-Control"] = (
        "public, max-age=604800, immutable" if current else "public, max-age=300"
    )
    response["ETag"] = f'"{card.version}"'
    return response


@require_safe
def site_share_image(request):
    return _png(request, site_card())


@require_safe
def contest_share_image(request, slug: str):
    page = contest_page(slug=slug)
    if page is None:
        raise Http404(_("Không có cuộc thi này."))
    return _png(request, contest_card(page.contest))
