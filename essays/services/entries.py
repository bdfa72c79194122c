"""Writing an essay entry: save a draft, submit it once. Every refusal comes from
essays.rules.submission (deadlines, answer mode, word limit) or essays.uploads (the file's
content); a refused change stores nothing, neither a row nor a file."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contest_site import clock
from contests.refusals import Refused, raise_if_refused
from contests.selectors import unit_ancestors
from essays.models import Entry, EssayTask
from essays.rules.district import marking_unit_id
from essays.rules.submission import answer_refusal, change_refusal
from essays.rules.words import word_count
from essays.uploads import PreparedFile
from participants.models import Registration

# No 0/O, 1/I/L: a code is read aloud and typed by hand when a judge reports a problem.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def entry_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _locked_entry(*, task: EssayTask, registration: Registration) -> Entry | None:
    # The registration row is the lock: one person's saves and submits run one at a time,
    # so the first save cannot create the entry twice.
    Registration.objects.select_for_update().only("pk").get(pk=registration.pk)
    return Entry.objects.select_for_update().filter(task=task, registration=registration).first()


def _marking_unit(registration: Registration) -> int | None:
    unit = registration.unit
    chain = [(u.pk, u.kind) for u in unit_ancestors(unit=unit)] + [(unit.pk, unit.kind)]
    return marking_unit_id(chain)


def _create(*, task: EssayTask, registration: Registration) -> Entry:
    # A random code can collide with an existing one (31^8 codes: rarely); a few fresh draws
    # inside savepoints settle it.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Entry.objects.create(
                    task=task, registration=registration, code=entry_code_new()
                )
        except IntegrityError:
            continue
    raise Refused("busy", _("Không tạo được mã bài dự thi, vui lòng thử lại."))


@transaction.atomic
def entry_save(
    *,
    task: EssayTask,
    registration: Registration,
    text: str | None = None,
    upload: PreparedFile | None = None,
    remove_file: bool = False,
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> Entry:
    """Save the person's draft (`text` None keeps the stored text; `upload` replaces the
    file; `remove_file` drops it) and, with `submit`, submit it at the server's time. All
    checks run on the answer as it would be after the change, before anything is written.
    Guarantees: nothing changes after submission or after the unit's deadline; the word
    limit and the answer mode hold for every stored draft; a submission is complete."""
    if registration.contest_id != task.contest_id:
        raise Refused("not_registered", _("Bạn chưa đăng ký tham gia cuộc thi này."))
    # The database's clock (contest_site.clock): the same on every web node, so a submission
    # at 16:59:59 is in time whichever node takes it.
    now = now or clock.now()
    entry = _locked_entry(task=task, registration=registration)
    raise_if_refused(
        change_refusal(
            opens_at=task.opens_at,
            unit_deadline=task.unit_deadline,
            submitted_at=entry.submitted_at if entry else None,
            now=now,
        )
    )
    new_text = (entry.text if entry else "") if text is None else text.replace("\r\n", "\n")
    new_text = new_text.strip()
    had_file = bool(entry and entry.file)
    has_file = upload is not None or (had_file and not remove_file)
    words = word_count(new_text)
    raise_if_refused(
        answer_refusal(
            answer_mode=task.answer_mode,
            word_limit=task.word_limit,
            text_chars=len(new_text),
            words=words,
            has_file=has_file,
            submitting=submit,
        )
    )
    if entry is None:
        entry = _create(task=task, registration=registration)
    old_name = entry.file.name if had_file else ""
    entry.text = new_text
    entry.word_count = words
    fields = ["text", "word_count", "updated_at"]
    if upload is not None:
        entry.file_type = upload.file_type
        entry.file_sha256 = hashlib.sha256(upload.content).hexdigest()
        # Written before the row: if the row's save fails, the new file is removed below.
        entry.file.save("essay", ContentFile(upload.content), save=False)
        fields += ["file", "file_type", "file_sha256"]
    elif remove_file and had_file:
        entry.file = ""
        entry.file_type = ""
        entry.file_sha256 = ""
        fields += ["file", "file_type", "file_sha256"]
    if submit:
        entry.status = Entry.Status.SUBMITTED
        entry.submitted_at = now
        entry.district_id = _marking_unit(registration)
        fields += ["status", "submitted_at", "district"]
    try:
        entry.save(update_fields=fields)
    except Exception:
        if upload is not None:
            entry.file.storage.delete(entry.file.name)
        raise
    if old_name and old_name != entry.file.name:
        storage = entry.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return entry
