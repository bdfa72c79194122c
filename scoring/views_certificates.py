"""Certificates seen by people: the public verification page the QR code opens, and the
download of the PDF (its owner, or organisers of the subtree; never a public file URL)."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from scoring.selectors.certificates import (
    certificate_by_token,
    certificate_downloadable,
    certificate_in_force,
)
from scoring.selectors.results import snapshot_latest


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "scoring/certificate_invalid.html", status=404)


@require_GET
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public (no login): the certificate's facts as frozen when it was made, the name as its
    holder consented to publish (masked otherwise: the page is open to anyone holding the
    paper), and whether it is still in force. An unknown or altered code: a 404 page that
    says so in Vietnamese."""
    certificate = certificate_by_token(token)
    if certificate is None:
        return _not_found(request)
    latest = snapshot_latest(contest=certificate.contest)
    return render(
        request,
        "scoring/certificate_verify.html",
        {
            "certificate": certificate,
            "in_force": certificate_in_force(certificate, latest=latest),
            "revoked_version": certificate.revoked_in_version
            or (latest.version if latest is not None else None),
        },
    )


@require_GET
def certificate_download(request: HttpRequest, token: str) -> HttpResponse:
    """The PDF, for the person it names or organisers whose subtree holds the contest or the
    person's unit; anyone else gets the same 404 as an unknown code (no hint that it exists).
    Cache-Control: private, no-store comes with every download (contest_site/headers.py)."""
    certificate = certificate_by_token(token)
    if certificate is None or not certificate_downloadable(
        user=request.user, certificate=certificate
    ):
        return _not_found(request)
    try:
        handle = certificate.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404(_("Không tìm thấy tệp giấy chứng nhận.")) from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"giay-chung-nhan-{certificate.token}.pdf",
        content_type="application/pdf",
    )
