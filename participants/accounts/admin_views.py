"""The organiser's "Cấp lại mật khẩu" page on a participant (ParticipantAdmin.get_urls).

The person is looked up through the admin's own queryset, so an organiser reaches only the
people of their subtree (anyone else is a 404, as every scoped admin page answers); the
link is shown once, and the row records who issued it and why."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from participants.accounts import services
from participants.accounts.forms import AssistedResetForm
from participants.forms import apply_errors
from participants.masking import mask_phone
from participants.models import OneTimeCode


def assisted_reset_view(model_admin, request, pk: int):
    participant = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    if not model_admin.has_change_permission(request, participant):
        raise PermissionDenied
    link = None
    if request.method == "POST":
        form = AssistedResetForm(request.POST)
        if form.is_valid():
            try:
                _row, link = services.assisted_reset_issue(
                    participant=participant,
                    issued_by=request.user,
                    reason=form.cleaned_data["reason"],
                    link_for=lambda pk, token: request.build_absolute_uri(
                        reverse("participants:assisted_reset", args=[pk, token])
                    ),
                    send_sms=form.cleaned_data["send_sms"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
    else:
        form = AssistedResetForm()
    history = (
        OneTimeCode.objects.filter(
            participant=participant, purpose=OneTimeCode.Purpose.ASSISTED_RESET
        )
        .select_related("issued_by")
        .order_by("-created_at")[:20]
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": participant,
        "form": form,
        "link": link,
        "history": history,
        "phone": mask_phone(participant.phone),
        "title": _("Cấp lại mật khẩu"),
    }
    return TemplateResponse(request, "participants/account_admin_assisted_reset.html", context)
