"""Participant pages: thin adapters over participants.services and participants.selectors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_safe

from contests.masking import mask_document
from contests.models import Contest, Unit
from contests.refusals import Refused
from participants import identity, services
from participants.client_key import client_key_for
from participants.forms import (
    JoinForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    UnitCascade,
    apply_errors,
)
from participants.landing import JUDGE_SESSION_KEY
from participants.masking import mask_phone
from participants.models import Participant
from participants.ratelimit import rate_limited
from participants.rules.eligibility import registration_refusal
from participants.rules.identity_lock import LOCKED_AT_ATTEMPT
from participants.rules.landing import landing_url_name
from participants.selectors import (
    contest_category_options,
    contest_reference_date,
    contest_terms,
    contests_open_to_join,
    guardian_consent_current,
    invite_resolve,
    join_category_choices,
    participant_locked_fields,
    person_facts,
    registrations_for,
    unit_children,
)

CASCADE_BUTTON = "_cascade"


def _participant_or_none(user) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(user=user).first()


# --- Invite links ----------------------------------------------------------------------------

INVITE_PARAM = "moi"
MSG_INVITE_INVALID = _(
    "Liên kết mời không hợp lệ hoặc không còn dùng được (có thể bị gõ sai, hoặc cuộc thi không "
    "còn nhận đăng ký). Bạn vẫn có thể đăng ký và tự chọn đơn vị."
)
# Units people work or study in; any other kind (ward, district...) is where they live.
WORK_KINDS = {Unit.Kind.DEPARTMENT, Unit.Kind.SCHOOL, Unit.Kind.COMPANY, Unit.Kind.OTHER}


def _invite_from(request):
    """(invite or None, whether a token was given and refused), from the query string or the
    form's hidden field."""
    source = request.POST if request.method == "POST" else request.GET
    token = source.get(INVITE_PARAM, "")
    if not token:
        return None, False
    invite = invite_resolve(token=token)
    return invite, invite is None


def _join_url(invite) -> str:
    url = reverse("participants:join", kwargs={"slug": invite.contest.slug})
    return f"{url}?{INVITE_PARAM}={invite.token}"


@require_safe
def invite(request, token: str):
    """A unit's invite link: registration (or joining, when logged in) with the unit chosen."""
    found = invite_resolve(token=token)
    if found is None:
        return render(
            request, "participants/invite_invalid.html", {"message": MSG_INVITE_INVALID}, status=404
        )
    if request.user.is_authenticated:
        return redirect(_join_url(found))
    return redirect(f"{reverse('participants:register')}?{INVITE_PARAM}={found.token}")


# --- Register --------------------------------------------------------------------------------


def _register_cascades(data=None, invite_unit: Unit | None = None):
    work = invite_unit is not None and invite_unit.kind in WORK_KINDS
    return {
        "residence_unit": UnitCascade(
            prefix="noi_cu_tru",
            label=_("Nơi cư trú (không bắt buộc)"),
            root=None,
            data=data,
            initial=None if work else invite_unit,
        ),
        "work_unit": UnitCascade(
            prefix="noi_cong_tac",
            label=_("Nơi công tác hoặc học tập (không bắt buộc)"),
            root=None,
            data=data,
            initial=invite_unit if work else None,
        ),
    }


@rate_limited("register")
def register(request):
    invite, invite_refused = _invite_from(request)
    if request.user.is_authenticated:
        return redirect(_join_url(invite) if invite else "participants:my_contests")
    notice = services.consent_notice_current()
    if request.method == "POST":
        cascades = _register_cascades(request.POST)
        if CASCADE_BUTTON in request.POST:
            # A step of the unit choice without JavaScript: show the next level, keep what
            # was typed (except passwords), validate nothing yet.
            keep = {k: v for k, v in request.POST.items() if not k.startswith("password")}
            form = RegisterForm(initial=keep)
        else:
            form = RegisterForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    participant = services.participant_register(
                        full_name=data["full_name"],
                        date_of_birth=data["date_of_birth"],
                        gender=data["gender"],
                        document_type=data["document_type"],
                        document_number=data["document_number"],
                        issuing_country=data["issuing_country"],
                        phone=data["phone"],
                        email=data["email"],
                        password=data["password1"],
                        residence_unit=cascades["residence_unit"].unit,
                        work_unit=cascades["work_unit"].unit,
                        foreign_birth_confirmed=data["foreign_birth_confirmed"],
                        consent_data=data["consent_data"],
                        guardian_name=data["guardian_name"],
                        guardian_phone=data["guardian_phone"],
                        guardian_relationship=data["guardian_relationship"],
                        guardian_consent=data["guardian_consent"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc, extra=cascades)
                else:
                    login(
                        request,
                        participant.user,
                        backend="participants.backends.PhoneOrDocumentBackend",
                    )
                    messages.success(
                        request,
                        _("Đăng ký thành công. Tên đăng nhập của bạn là số điện thoại %(phone)s.")
                        % {"phone": identity.phone_national(participant.phone)},
                    )
                    # Through an invite link: straight on to joining its contest, its unit chosen.
                    return redirect(_join_url(invite) if invite else "participants:my_contests")
    else:
        cascades = _register_cascades(invite_unit=invite.unit if invite else None)
        form = RegisterForm()
    return render(
        request,
        "participants/register.html",
        {
            "form": form,
            "cascades": list(cascades.values()),
            "notice": notice,
            "guardian_age": services.GUARDIAN_AGE,
            "invite": invite,
            "invite_refused": invite_refused,
            "invite_message": MSG_INVITE_INVALID,
        },
        status=200,
    )


# --- Login -----------------------------------------------------------------------------------


@method_decorator(rate_limited("login"), name="dispatch")
class ParticipantLoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "participants/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """No `next`: a judge to the judges' page, everyone else to "Cuộc thi của tôi"
        (participants.rules.landing). The judge fact was put in the session at login
        (participants.landing.remember_roles)."""
        name = landing_url_name(
            is_judge=bool(self.request.session.get(JUDGE_SESSION_KEY)),
            default=settings.LOGIN_REDIRECT_URL,
        )
        return resolve_url(name)


# --- Join a contest --------------------------------------------------------------------------


@login_required
def join(request, slug: str):
    contest = get_object_or_404(
        Contest.objects.select_related("participation_root"),
        slug=slug,
        status=Contest.Status.PUBLISHED,
    )
    participant = _participant_or_none(request.user)
    if participant is None:
        messages.error(request, _("Tài khoản này chưa có hồ sơ người dự thi."))
        return redirect("participants:register")
    if participant.registrations.filter(contest=contest).exists():
        messages.info(request, _("Bạn đã đăng ký dự thi cuộc thi này rồi."))
        return redirect("participants:my_contests")

    reference = contest_reference_date(contest=contest)
    age = identity.age_on(participant.date_of_birth, reference)
    needs_guardian = identity.needs_guardian(participant.date_of_birth, reference)
    # An account created before the guardian's consent was asked with it: the join page
    # says so and asks for it (stored on the account, not asked again).
    guardian_on_file = guardian_consent_current(participant=participant) if needs_guardian else None
    # Said before the form is filled in; the guardian's consent is what the form supplies.
    refusal = registration_refusal(
        person_facts(participant=participant, contest=contest, guardian_given=True),
        contest_terms(contest=contest),
        now=timezone.now(),
    )
    root = contest.participation_root
    invite, invite_refused = _invite_from(request)
    if invite is not None and invite.contest.pk != contest.pk:
        invite, invite_refused = None, True
    default_unit = invite.unit if invite is not None else None
    for candidate in (participant.residence_unit, participant.work_unit):
        if default_unit is None and candidate is not None and candidate.path.startswith(root.path):
            default_unit = candidate
            break

    categories = contest_category_options(contest=contest)
    if request.method == "POST":
        cascade = UnitCascade(
            prefix="don_vi", label=_("Đơn vị dự thi"), root=root, data=request.POST, required=True
        )
        # The category question for the unit chosen (none when its block decides).
        choices = join_category_choices(contest=contest, options=categories, unit=cascade.unit)
        if CASCADE_BUTTON in request.POST:
            form = JoinForm(initial=request.POST.dict())
            form.ask_category(choices)
        else:
            form = JoinForm(request.POST)
            form.ask_category(choices)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.registration_create(
                        participant=participant,
                        contest=contest,
                        unit=cascade.unit,
                        consent_participation=data["consent_participation"],
                        consent_publish=data["consent_publish"],
                        guardian_name=data["guardian_name"],
                        guardian_phone=data["guardian_phone"],
                        guardian_relationship=data["guardian_relationship"],
                        guardian_consent=data["guardian_consent"],
                        invited_via=invite.unit if invite is not None else None,
                        category_id=data.get("category"),
                        client_key=client_key_for(request),
                    )
                except Refused as refused:
                    form.add_error(None, refused.message)
                except ValidationError as exc:
                    apply_errors(form, exc, extra={"unit": cascade})
                else:
                    messages.success(
                        request,
                        _("Bạn đã đăng ký dự thi “%(title)s”.") % {"title": contest.title},
                    )
                    return redirect("participants:my_contests")
    else:
        cascade = UnitCascade(
            prefix="don_vi",
            label=_("Đơn vị dự thi"),
            root=root,
            initial=default_unit,
            required=True,
        )
        form = JoinForm()
        form.ask_category(
            join_category_choices(contest=contest, options=categories, unit=cascade.unit)
        )
    return render(
        request,
        "participants/join.html",
        {
            "contest": contest,
            "form": form,
            "cascade": cascade,
            "age": age,
            "reference": reference,
            "needs_guardian": needs_guardian,
            "guardian_on_file": guardian_on_file,
            "guardian_age": services.GUARDIAN_AGE,
            "refusal": refusal,
            "notice": services.consent_notice_current(),
            "invite": invite,
            "invite_refused": invite_refused,
            "invite_message": MSG_INVITE_INVALID,
        },
    )


@require_GET
def unit_children_json(request, pk: int):
    """Children of a unit for the cascading choice (public: unit names are public)."""
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404(_("Không có đơn vị này."))
    children = unit_children(unit=unit).only("id", "name", "numchild")
    rows = [{"id": u.pk, "name": u.name, "has_children": bool(u.numchild)} for u in children]
    return JsonResponse({"children": rows})


# --- Profile and my contests -----------------------------------------------------------------


@login_required
def profile(request):
    participant = _participant_or_none(request.user)
    if participant is None:
        messages.error(request, _("Tài khoản này chưa có hồ sơ người dự thi."))
        return redirect("participants:register")
    locked_fields = participant_locked_fields(participant=participant)
    locked = locked_fields == LOCKED_AT_ATTEMPT
    identity_initial = {
        "full_name": participant.full_name,
        "date_of_birth": participant.date_of_birth,
        "gender": participant.gender,
        "document_type": participant.document_type,
        "document_number": participant.document_number,
        "issuing_country": participant.issuing_country,
        "foreign_birth_confirmed": participant.foreign_birth_confirmed,
        "email": participant.email,
    }

    def cascades_for(data=None):
        return {
            "residence_unit": UnitCascade(
                prefix="noi_cu_tru",
                label=_("Nơi cư trú"),
                root=None,
                data=data,
                initial=participant.residence_unit,
            ),
            "work_unit": UnitCascade(
                prefix="noi_cong_tac",
                label=_("Nơi công tác hoặc học tập"),
                root=None,
                data=data,
                initial=participant.work_unit,
            ),
        }

    if request.method == "POST":
        cascades = cascades_for(request.POST)
        if CASCADE_BUTTON in request.POST:
            form = ProfileForm(
                initial={**identity_initial, **request.POST.dict()}, locked=locked_fields
            )
        else:
            form = ProfileForm(request.POST, initial=identity_initial, locked=locked_fields)
            if form.is_valid():
                data = form.cleaned_data
                changes = {f: data[f] for f in services.IDENTITY_FIELDS if f not in locked_fields}
                try:
                    services.participant_update(
                        participant=participant,
                        email=data["email"],
                        residence_unit=cascades["residence_unit"].unit,
                        work_unit=cascades["work_unit"].unit,
                        identity_changes=changes,
                        foreign_birth_confirmed=data["foreign_birth_confirmed"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc, extra=cascades)
                else:
                    messages.success(request, _("Đã lưu hồ sơ."))
                    return redirect("participants:profile")
    else:
        cascades = cascades_for()
        form = ProfileForm(initial=identity_initial, locked=locked_fields)
    return render(
        request,
        "participants/profile.html",
        {
            "participant": participant,
            "form": form,
            "cascades": list(cascades.values()),
            "locked": locked,
            "locked_at_join": bool(locked_fields) and not locked,
            "masked_document": mask_document(participant.document_number),
            "masked_phone": mask_phone(participant.phone),
        },
    )


@login_required
def my_contests(request):
    participant = _participant_or_none(request.user)
    registrations = list(registrations_for(participant=participant)) if participant else []
    joined = {r.contest_id for r in registrations}
    open_contests = [c for c in contests_open_to_join() if c.pk not in joined]
    return render(
        request,
        "participants/my_contests.html",
        {
            "participant": participant,
            "registrations": registrations,
            "open_contests": open_contests,
        },
    )
