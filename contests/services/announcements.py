"""Writes for announcements: organisers post, edit and archive notices of a contest (each
recorded in ContestChange in the same transaction, like a rule change); a participant marks
one read, which hides its banner for them.

Who may post is the admin's concern (the contest's owner subtree, contests.admin.announcements);
these functions check what the text must be."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Announcement, AnnouncementRead, Contest
from contests.rich_text import rich_text_clean
from contests.services.contests import contest_change_record, contest_public_cache_clear

AUDIT_WHAT = "announcement"


def _clean(*, kind: str, title: str, body: str) -> dict:
    """The announcement's fields checked and sanitised; ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    body = rich_text_clean(body or "")
    if kind not in Announcement.Kind.values:
        errors["kind"] = [_("Vui lòng chọn loại thông báo.")]
    if not title:
        errors["title"] = [_("Vui lòng nhập tiêu đề thông báo.")]
    elif len(title) > 200:
        errors["title"] = [_("Tiêu đề thông báo dài tối đa 200 ký tự.")]
    if not body:
        errors["body"] = [_("Vui lòng nhập nội dung thông báo.")]
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "title": title, "body": body}


def _audit(announcement: Announcement) -> dict:
    # Keys of their own (labelled in contests.admin.contests.AUDIT_KEYS): "title" or "id"
    # would read as the contest's title or a question's id in the log.
    return {
        "announcement": announcement.pk,
        "announcement_kind": announcement.kind,
        "announcement_title": announcement.title,
        "announcement_body": announcement.body,
        "announcement_published_at": timezone.localtime(announcement.published_at).isoformat(),
        "announcement_archived": announcement.archived_at is not None,
    }


@transaction.atomic
def announcement_post(
    *,
    contest: Contest,
    user,
    kind: str,
    title: str,
    body: str,
    published_at: datetime.datetime | None = None,
) -> Announcement:
    """Post a notice (shown from `published_at`, now by default); the body keeps only the
    rich-text allow-list. Recorded in ContestChange (what="announcement", before {})."""
    fields = _clean(kind=kind, title=title, body=body)
    announcement = Announcement.objects.create(
        contest=contest,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        published_at=published_at or timezone.now(),
        **fields,
    )
    contest_change_record(
        contest=contest, user=user, what=AUDIT_WHAT, before={}, after=_audit(announcement)
    )
    contest_public_cache_clear(contest=contest)
    return announcement


@transaction.atomic
def announcement_update(
    *,
    announcement: Announcement,
    user,
    kind: str,
    title: str,
    body: str,
    published_at: datetime.datetime | None = None,
) -> Announcement:
    """Correct a notice; what changed is recorded (before, after). Participants who read the
    old text are not shown it again: a correction worth a new banner is a new announcement."""
    fields = _clean(kind=kind, title=title, body=body)
    old = Announcement.objects.select_for_update().get(pk=announcement.pk)
    before = _audit(old)
    for name, value in fields.items():
        setattr(old, name, value)
    if published_at is not None:
        old.published_at = published_at
    old.save(update_fields=[*fields, "published_at"])
    contest_change_record(
        contest=old.contest, user=user, what=AUDIT_WHAT, before=before, after=_audit(old)
    )
    contest_public_cache_clear(contest=old.contest)
    return old


@transaction.atomic
def announcement_archive(*, announcement: Announcement, user, archive: bool = True) -> bool:
    """Archive a notice (it leaves the banner and moves to the contest page's archive list), or
    take it back out with archive=False. One conditional UPDATE: two clicks archive once.
    Returns whether anything changed; a change is recorded."""
    rows = Announcement.objects.filter(pk=announcement.pk, archived_at__isnull=archive)
    changed = rows.update(archived_at=timezone.now() if archive else None) == 1
    if changed:
        fresh = Announcement.objects.select_related("contest").get(pk=announcement.pk)
        before = {**_audit(fresh), "announcement_archived": not archive}
        contest_change_record(
            contest=fresh.contest, user=user, what=AUDIT_WHAT, before=before, after=_audit(fresh)
        )
        contest_public_cache_clear(contest=fresh.contest)
        announcement.archived_at = fresh.archived_at
    return changed


def announcement_mark_read(*, announcement: Announcement, user) -> None:
    """The person has read the notice: its banner is no longer shown to them. Harmless twice
    (the (announcement, user) pair is unique)."""
    AnnouncementRead.objects.bulk_create(
        [AnnouncementRead(announcement=announcement, user=user)], ignore_conflicts=True
    )
