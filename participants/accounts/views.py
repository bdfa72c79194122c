"""Account pages: recovery, phone change, assisted-reset link, my data, delete my account and
the language switch. Thin adapters over participants.accounts.services and selectors."""

from __future__ import annotations

import json
import math

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from participants import identity
from participants.accounts import selectors, services
from participants.accounts.forms import (
    CodeForm,
    DeleteAccountForm,
    NewPasswordForm,
    PhoneChangeForm,
    RecoveryCompleteForm,
    RecoveryRequestForm,
)
from participants.accounts.limits import account_limit_hit
from participants.forms import apply_errors
from participants.models import Participant
from participants.ratelimit import client_address
from participants.rules.one_time_codes import CodeCheck, tries_left
from participants.services import personal_data_access_log

BACKEND = "participants.backends.PhoneOrDocumentBackend"
SESSION_RESET = "accounts:reset_code"
SESSION_PHONE = "accounts:phone_code"


def _too_many(request, seconds: int, message: str):
    response = render(
        request,
        "participants/account_rate_limited.html",
        {"message": message, "seconds": seconds, "minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def _check_message(checked: services.Checked) -> str:
    """The sentence for a refused code check (the same whoever the code was for)."""
    if checked.outcome == CodeCheck.WRONG:
        left = tries_left(tries_after=checked.tries)
        if left:
            return _("Mã không đúng. Bạn còn %(n)s lần thử.") % {"n": left}
        return _("Mã không đúng. Bạn đã hết số lần thử: hãy yêu cầu mã mới.")
    if checked.outcome == CodeCheck.EXHAUSTED:
        return _("Bạn đã nhập sai quá 5 lần. Hãy yêu cầu mã mới.")
    if checked.outcome == CodeCheck.USED:
        return _("Mã này đã được dùng. Hãy yêu cầu mã mới nếu cần.")
    return _("Mã đã hết hạn (mã chỉ dùng được trong 5 phút). Hãy yêu cầu mã mới.")


def _participant(request) -> Participant | None:
    return Participant.objects.filter(user=request.user).select_related("user").first()


# --- Password recovery -----------------------------------------------------------------------


def recovery_request(request):
    """Step 1: a phone or document number in; the same answer whether or not it has an
    account (the code page), a code by SMS when it has."""
    if request.method == "POST":
        form = RecoveryRequestForm(request.POST)
        wait = account_limit_hit(scope="recovery_address", subject=client_address(request))
        if wait is not None:
            return _too_many(
                request,
                wait,
                _("Có quá nhiều yêu cầu mã từ địa chỉ mạng của bạn trong thời gian ngắn."),
            )
        if form.is_valid():
            number = form.cleaned_data["login"]
            wait = account_limit_hit(scope="recovery_number", subject=number)
            if wait is not None:
                return _too_many(
                    request,
                    wait,
                    _("Đã có nhiều yêu cầu mã cho số này trong thời gian ngắn."),
                )
            row = services.recovery_request(login=number)
            request.session[SESSION_RESET] = row.pk
            return redirect("participants:recovery_code")
    else:
        form = RecoveryRequestForm()
    return render(request, "participants/account_recovery_request.html", {"form": form})


def recovery_code(request):
    """Step 2: the code and a new password. Wrong codes count down the same way for every
    number, registered or not."""
    code_id = request.session.get(SESSION_RESET)
    if not isinstance(code_id, int):
        messages.info(request, _("Hãy nhập số điện thoại hoặc số giấy tờ để nhận mã."))
        return redirect("participants:recovery")
    if request.method == "POST":
        form = RecoveryCompleteForm(request.POST)
        wait = account_limit_hit(scope="check_address", subject=client_address(request))
        if wait is not None:
            return _too_many(request, wait, _("Có quá nhiều lần nhập mã từ địa chỉ mạng của bạn."))
        if form.is_valid():
            checked = services.recovery_complete(
                code_id=code_id,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
            )
            if checked.outcome == CodeCheck.OK:
                request.session.pop(SESSION_RESET, None)
                login(request, checked.row.participant.user, backend=BACKEND)
                messages.success(
                    request,
                    _(
                        "Đã đặt mật khẩu mới. Các phiên đăng nhập khác của tài khoản (trên "
                        "máy khác) đã kết thúc."
                    ),
                )
                return redirect("participants:my_contests")
            form.add_error("code", _check_message(checked))
    else:
        form = RecoveryCompleteForm()
    return render(request, "participants/account_recovery_code.html", {"form": form})


# --- Organiser-assisted reset link -----------------------------------------------------------


def assisted_reset(request, pk: int, token: str):
    """The one-time link an organiser gave: a new password, once."""
    if not services.assisted_reset_peek(code_id=pk, token=token):
        return render(request, "participants/account_link_invalid.html", status=404)
    if request.method == "POST":
        form = NewPasswordForm(request.POST)
        if form.is_valid():
            checked = services.assisted_reset_complete(
                code_id=pk, token=token, password=form.cleaned_data["password1"]
            )
            if checked.outcome == CodeCheck.OK:
                logout(request)
                login(request, checked.row.participant.user, backend=BACKEND)
                messages.success(
                    request,
                    _("Đã đặt mật khẩu mới. Các phiên đăng nhập khác của tài khoản đã kết thúc."),
                )
                return redirect("participants:my_contests")
            return render(request, "participants/account_link_invalid.html", status=404)
    else:
        form = NewPasswordForm()
    return render(request, "participants/account_assisted_reset.html", {"form": form})


# --- Phone change ----------------------------------------------------------------------------


@login_required
def phone_change(request):
    participant = _participant(request)
    if participant is None:
        messages.error(request, _("Tài khoản này chưa có hồ sơ người dự thi."))
        return redirect("participants:register")
    if request.method == "POST":
        form = PhoneChangeForm(request.POST)
        if form.is_valid():
            wait = account_limit_hit(scope="phone_account", subject=str(participant.pk))
            if wait is None:
                wait = account_limit_hit(
                    scope="phone_number", subject=identity.login_key(form.cleaned_data["phone"])
                )
            if wait is not None:
                return _too_many(
                    request, wait, _("Đã có nhiều yêu cầu mã đổi số trong thời gian ngắn.")
                )
            try:
                row = services.phone_change_request(
                    participant=participant,
                    phone=form.cleaned_data["phone"],
                    password=form.cleaned_data["password"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                request.session[SESSION_PHONE] = row.pk
                return redirect("participants:phone_change_code")
    else:
        form = PhoneChangeForm()
    return render(
        request,
        "participants/account_phone_change.html",
        {"form": form, "current": identity.phone_national(participant.phone)},
    )


@login_required
def phone_change_code(request):
    participant = _participant(request)
    code_id = request.session.get(SESSION_PHONE)
    if participant is None or not isinstance(code_id, int):
        return redirect("participants:phone_change")
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                checked = services.phone_change_confirm(
                    participant=participant, code_id=code_id, code=form.cleaned_data["code"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if checked.outcome == CodeCheck.OK:
                    request.session.pop(SESSION_PHONE, None)
                    messages.success(
                        request,
                        _("Đã đổi số điện thoại. Tên đăng nhập của bạn bây giờ là %(phone)s.")
                        % {"phone": identity.phone_national(participant.phone)},
                    )
                    return redirect("participants:profile")
                form.add_error("code", _check_message(checked))
    else:
        form = CodeForm()
    return render(request, "participants/account_phone_code.html", {"form": form})


# --- My data ---------------------------------------------------------------------------------


@login_required
def my_data(request):
    """What the platform holds about me: a page, and the same as a JSON file."""
    participant = _participant(request)
    if participant is None:
        messages.error(request, _("Tài khoản này chưa có hồ sơ người dự thi."))
        return redirect("participants:register")
    sections = selectors.personal_data_of(participant=participant)
    if request.GET.get("tai-ve") == "json":
        personal_data_access_log(
            user=request.user, action="self_export", target=f"participant:{participant.pk}"
        )
        document = {
            "generated_at": timezone.localtime().isoformat(),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "columns": s.columns,
                    "rows": s.rows,
                }
                for s in sections
            ],
        }
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.json"'
        return response
    personal_data_access_log(
        user=request.user, action="self_view", target=f"participant:{participant.pk}"
    )
    return render(request, "participants/account_my_data.html", {"sections": sections})


# --- Delete my account -----------------------------------------------------------------------


@login_required
def delete_account(request):
    participant = _participant(request)
    if participant is None:
        messages.error(request, _("Tài khoản này chưa có hồ sơ người dự thi."))
        return redirect("participants:register")
    plan = services.account_deletion_plan(participant=participant, now=timezone.now())
    if request.method == "POST":
        form = DeleteAccountForm(request.POST)
        if form.is_valid():
            if not participant.user.check_password(form.cleaned_data["password"]):
                form.add_error("password", services.MSG_PASSWORD_WRONG)
            else:
                record = services.account_delete(participant=participant)
                logout(request)
                return render(request, "participants/account_deleted.html", {"record": record})
    else:
        form = DeleteAccountForm()
    return render(request, "participants/account_delete.html", {"form": form, "plan": plan})


# --- Language --------------------------------------------------------------------------------


# Exempt from CSRF: the only effect is the language cookie, and a token in the footer form
# would make every public page set a cookie and vary on it (no longer cacheable by nginx).
language_switch = require_POST(csrf_exempt(set_language))
