"""Making a contest's certificates for its published results, as a background job.

`certificate_job_start` (the results admin's button) checks and queues a CertificateJob for the
latest snapshot; `certificate_job_run` (the Celery task `certificates_make`, "exports" queue)
makes them. Idempotent: a certificate already in force for the same person and award (same
`award_key`, from this version or an earlier one) is kept and counted, never made twice (a
partial unique index backs this up when two runs race); a rerun after a crash continues where
the first stopped. When the job's snapshot is a new version, the certificates in force that it
no longer wants are revoked at the end (`revoked_at`, `revoked_in_version`): the verification
page then says so.

Files go through Django's storage API (`certificates/<contest id>/<token>.pdf`), and are only
ever served by the permission-checked download view."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest
from contests.refusals import Refused
from contests.selectors import path_prefix_for
from participants.models import Registration
from scoring.certificates_pdf import CertificateFacts, certificate_pdf
from scoring.models import Certificate, CertificateJob, ResultsSnapshot
from scoring.rules.public_name import public_name
from scoring.selectors.certificates import Wanted, certificates_wanted
from scoring.selectors.results import snapshot_latest

logger = logging.getLogger(__name__)

BATCH = 200
ACTIVE = (CertificateJob.Status.QUEUED, CertificateJob.Status.RUNNING)


def certificate_job_start(*, contest: Contest, user, base_url: str) -> CertificateJob:
    """Queue the making of `contest`'s certificates for its latest published version. Refused
    (nothing written): PermissionDenied outside the owner unit's organisers; Refused when
    nothing is published, the latest version is provisional, or a job is already at work."""
    prefix = path_prefix_for(user=user)
    if prefix is None or not contest.owner_unit.path.startswith(prefix):
        raise PermissionDenied(_("Bạn không có quyền cấp giấy chứng nhận của cuộc thi này."))
    with transaction.atomic():
        Contest.objects.select_for_update().get(pk=contest.pk)
        snapshot = snapshot_latest(contest=contest)
        if snapshot is None:
            raise Refused(
                "not_published", _("Cuộc thi chưa công bố kết quả: chưa thể cấp giấy chứng nhận.")
            )
        if getattr(snapshot, "provisional_until", None) is not None:
            raise Refused(
                "provisional",
                _(
                    "Kết quả đang công bố tạm thời: giấy chứng nhận chỉ được cấp sau khi công "
                    "bố kết quả chính thức."
                ),
            )
        if CertificateJob.objects.filter(contest=contest, status__in=ACTIVE).exists():
            raise Refused(
                "running",
                _("Đang có một đợt tạo giấy chứng nhận chưa xong: hãy chờ đợt đó kết thúc."),
            )
        job = CertificateJob.objects.create(
            contest=contest, snapshot=snapshot, base_url=base_url.rstrip("/"), created_by=user
        )
        transaction.on_commit(lambda: certificate_job_enqueue(job_id=job.pk))
    return job


def certificate_job_enqueue(*, job_id: int) -> None:
    from scoring.tasks import certificates_make

    try:
        certificates_make.delay(job_id)
    except Exception:  # the broker is down: the job stays queued and can be started again
        logger.exception("certificate job %s could not be queued", job_id)


def _facts(
    *, certificate: Certificate, contest: Contest, base_url: str, full_name: str
) -> CertificateFacts:
    return CertificateFacts(
        contest_title=contest.title,
        full_name=full_name,
        unit_name=certificate.unit_name,
        award=certificate.award,
        issued_on=certificate.issued_on.strftime("%d/%m/%Y"),
        organiser_name=certificate.organiser_name,
        verify_url=base_url + reverse("scoring:certificate_verify", args=[certificate.token]),
        code=certificate.token,
    )


def _make(
    *,
    wanted: Wanted,
    registration: Registration,
    contest: Contest,
    snapshot: ResultsSnapshot,
    base_url: str,
) -> bool:
    """One certificate: the PDF stored, then its row. False if a concurrent run made it."""
    participant = registration.participant
    certificate = Certificate(
        contest=contest,
        snapshot=snapshot,
        registration=registration,
        kind=wanted.kind,
        award_key=wanted.award_key,
        award=wanted.award,
        full_name=participant.full_name,
        public_name=wanted.public_name
        or public_name(participant.full_name, may_show_name=registration.may_show_name),
        unit_name=registration.unit.name,
        organiser_name=contest.owner_unit.name,
        issued_on=timezone.localdate(snapshot.published_at),
    )
    pdf = certificate_pdf(
        _facts(
            certificate=certificate,
            contest=contest,
            base_url=base_url,
            full_name=participant.full_name,
        )
    )
    name = default_storage.save(
        f"certificates/{contest.pk}/{certificate.token}.pdf", ContentFile(pdf)
    )
    certificate.file.name = name
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        default_storage.delete(name)
        return False
    return True


def certificate_job_run(*, job_id: int) -> CertificateJob | None:
    """Run a queued job (or one whose worker died): see the module docstring. Progress is
    written every BATCH certificates. Returns the job, None if it is gone or already over."""
    claimed = CertificateJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
        status=CertificateJob.Status.RUNNING
    )
    if not claimed:
        return None
    job = CertificateJob.objects.select_related("contest__owner_unit", "snapshot").get(pk=job_id)
    contest, snapshot = job.contest, job.snapshot
    try:
        wanted = certificates_wanted(contest=contest, snapshot=snapshot)
        have = set(
            Certificate.objects.filter(contest=contest, revoked_at__isnull=True).values_list(
                "registration_id", "award_key"
            )
        )
        job.total, job.done, job.created = len(wanted), 0, 0
        job.save(update_fields=["total", "done", "created"])
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            registrations = Registration.objects.select_related("participant", "unit").in_bulk(
                [w.registration_id for w in batch if (w.registration_id, w.award_key) not in have]
            )
            for item in batch:
                if (item.registration_id, item.award_key) in have:
                    continue
                made = _make(
                    wanted=item,
                    registration=registrations[item.registration_id],
                    contest=contest,
                    snapshot=snapshot,
                    base_url=job.base_url,
                )
                job.created += made
            job.done = start + len(batch)
            CertificateJob.objects.filter(pk=job.pk).update(done=job.done, created=job.created)
        job.revoked = _revoke_unwanted(contest=contest, snapshot=snapshot, wanted=wanted)
    except Exception as error:
        logger.exception("certificate job %s failed", job_id)
        job.status, job.error = CertificateJob.Status.FAILED, str(error)[:2000]
    else:
        job.status = CertificateJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "revoked", "finished_at", "done", "created"])
    return job


def _revoke_unwanted(*, contest: Contest, snapshot: ResultsSnapshot, wanted: list[Wanted]) -> int:
    """Certificates of earlier versions that this version no longer has. Only for the latest
    version: a job of an older one revokes nothing."""
    latest = snapshot_latest(contest=contest)
    if latest is None or latest.pk != snapshot.pk:
        return 0
    keep = {(w.registration_id, w.award_key) for w in wanted}
    stale = [
        pk
        for pk, registration_id, key in Certificate.objects.filter(
            contest=contest, revoked_at__isnull=True, snapshot__version__lt=snapshot.version
        ).values_list("pk", "registration_id", "award_key")
        if (registration_id, key) not in keep
    ]
    return Certificate.objects.filter(pk__in=stale, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_in_version=snapshot.version
    )
