"""Public pages: home, contest list, contest page. Thin adapters over contests.selectors.

Everything they show is the same for every visitor and comes from the cache (60 s), so a
warm page costs no database query; the per-user parts (header: login / logout) are rendered
from the session only."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from contests.selectors import contest_page, contest_phase, contests_by_phase
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
    return render(
        request,
        "contests/contest_detail.html",
        {
            "page": page,
            "contest": contest,
            "phase": contest_phase(contest=contest, now=timezone.now()),
            # The registration count is participants' (participant_tags.registration_count).
        },
    )


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
