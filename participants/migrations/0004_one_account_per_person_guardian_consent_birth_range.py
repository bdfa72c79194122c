"""One account per person, guardian consent on the account, plausible dates of birth.

Order matters: the new columns are added, then two data steps run, then the constraints.

1. Dates of birth out of range (contests.dates BIRTH_MIN..BIRTH_MAX): the migration REFUSES,
   listing the count and the ids, and changes nothing. Why not clamp and flag: a date of birth
   decides eligibility, age group, a guardian's consent and the CCCD cross-check; writing an
   invented date into a person's identity would be a false fact that could make a child an
   adult. The services have refused such dates from the start, so a bad row can only come
   from a raw import; an organiser corrects it through "Sửa thông tin định danh" (audited,
   works on the code before this migration), then `migrate` is run again.
2. identity_key and name_key are filled with the rules of participants.identity. Two old
   accounts with the same key (a citizen's CCCD typed again as a passport) cannot both hold
   it: the later one keeps no key, is flagged needs_review and queued as a DuplicateSuspect
   for an organiser to merge or disqualify.
"""

import datetime
import logging

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils.translation import gettext as _

from contests.dates import BIRTH_MAX, BIRTH_MIN, date_range_q
from participants import identity

logger = logging.getLogger(__name__)
BATCH = 2000


def birth_dates_check(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    outside = Participant.objects.exclude(
        date_range_q("date_of_birth", low=BIRTH_MIN, high=BIRTH_MAX, null=False)
    ).order_by("pk")
    count = outside.count()
    if not count:
        return
    ids = ", ".join(str(pk) for pk in outside.values_list("pk", flat=True)[:100])
    message = _(
        "Không thể nâng cấp: %(count)s người dự thi có ngày sinh ngoài khoảng %(low)s–%(high)s "
        "(mã: %(ids)s%(more)s). Hãy sửa từng người bằng “Sửa thông tin định danh” trong trang "
        "quản trị rồi chạy lại migrate; không có dữ liệu nào bị thay đổi."
    ) % {
        "count": count,
        "low": BIRTH_MIN.strftime("%d/%m/%Y"),
        "high": BIRTH_MAX.strftime("%d/%m/%Y"),
        "ids": ids,
        "more": "…" if count > 100 else "",
    }
    logger.error(message)
    raise RuntimeError(message)


def keys_backfill(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    DuplicateSuspect = apps.get_model("participants", "DuplicateSuspect")
    # CCCD rows first: their keys cannot collide (document type and number are unique).
    citizens = Participant.objects.filter(document_type=identity.DOCUMENT_CCCD).order_by("pk")
    batch = []
    for person in citizens.only("pk", "document_type", "document_number", "full_name").iterator(
        chunk_size=BATCH
    ):
        person.identity_key = identity.identity_key(
            document_type=person.document_type, number=person.document_number, country=""
        )
        person.name_key = identity.name_key(person.full_name)
        batch.append(person)
        if len(batch) >= BATCH:
            Participant.objects.bulk_update(batch, ["identity_key", "name_key"])
            batch = []
    Participant.objects.bulk_update(batch, ["identity_key", "name_key"])
    # Other documents (few): one by one, a key already held makes a duplicate suspect.
    queued = []
    for person in Participant.objects.filter(~Q(document_type=identity.DOCUMENT_CCCD)).order_by(
        "pk"
    ):
        key = identity.identity_key(
            document_type=person.document_type,
            number=person.document_number,
            country=person.issuing_country,
        )
        holder = Participant.objects.filter(identity_key=key).exclude(pk=person.pk).first()
        person.name_key = identity.name_key(person.full_name)
        if holder is None:
            person.identity_key = key
        else:
            person.needs_review = True
            DuplicateSuspect.objects.get_or_create(
                original=holder, duplicate=person, defaults={"reason": "same_document"}
            )
            queued.append(person.pk)
        person.save(update_fields=["identity_key", "name_key", "needs_review"])
    if queued:
        logger.warning(
            _("%(count)s tài khoản trùng số giấy tờ đã được đưa vào danh sách nghi trùng: %(ids)s")
            % {"count": len(queued), "ids": ", ".join(map(str, queued))}
        )


def keys_clear(apps, schema_editor):
    """Reverse: nothing to undo here; the schema steps drop the columns and the table."""


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0001_initial"),
        ("participants", "0003_registration_identity_purged_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DuplicateSuspect",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("same_person", "Trùng họ tên, ngày sinh, giới tính"),
                            ("same_document", "Trùng số giấy tờ (tìm thấy khi nâng cấp)"),
                        ],
                        max_length=20,
                        verbose_name="lý do",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Chờ xử lý"),
                            ("merged", "Đã gộp tài khoản"),
                            ("disqualified", "Đã truất quyền tài khoản trùng"),
                            ("not_duplicate", "Không phải trùng"),
                        ],
                        default="open",
                        max_length=20,
                        verbose_name="trạng thái",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="phát hiện lúc"),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="xử lý lúc"),
                ),
                (
                    "decision_note",
                    models.CharField(blank=True, max_length=300, verbose_name="lý do quyết định"),
                ),
                (
                    "decision_details",
                    models.JSONField(blank=True, default=dict, verbose_name="chi tiết"),
                ),
            ],
            options={
                "verbose_name": "tài khoản nghi trùng",
                "verbose_name_plural": "tài khoản nghi trùng",
                "ordering": ["status", "-created_at"],
            },
        ),
        migrations.CreateModel(
            name="GuardianConsent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "guardian_name",
                    models.CharField(max_length=150, verbose_name="họ tên cha/mẹ/người giám hộ"),
                ),
                ("guardian_relationship", models.CharField(max_length=50, verbose_name="quan hệ")),
                (
                    "guardian_phone",
                    models.CharField(max_length=16, verbose_name="điện thoại người giám hộ"),
                ),
                (
                    "given_at",
                    models.CharField(
                        choices=[("account", "Khi tạo tài khoản"), ("join", "Khi đăng ký dự thi")],
                        max_length=10,
                        verbose_name="thời điểm đồng ý",
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "đồng ý của người giám hộ",
                "verbose_name_plural": "đồng ý của người giám hộ",
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="participant",
            name="identity_key",
            field=models.CharField(blank=True, editable=False, max_length=40, null=True),
        ),
        migrations.AddField(
            model_name="participant",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name="duplicatesuspect",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người xử lý",
            ),
        ),
        migrations.AddField(
            model_name="duplicatesuspect",
            name="duplicate",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="duplicate_suspicions",
                to="participants.participant",
                verbose_name="tài khoản nghi trùng",
            ),
        ),
        migrations.AddField(
            model_name="duplicatesuspect",
            name="original",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="participants.participant",
                verbose_name="tài khoản có trước",
            ),
        ),
        migrations.AddField(
            model_name="guardianconsent",
            name="notice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, to="participants.consentnotice"
            ),
        ),
        migrations.AddField(
            model_name="guardianconsent",
            name="participant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="guardian_consents",
                to="participants.participant",
            ),
        ),
        migrations.AddConstraint(
            model_name="duplicatesuspect",
            constraint=models.UniqueConstraint(
                fields=("original", "duplicate"), name="duplicate_suspect_pair_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="duplicatesuspect",
            constraint=models.CheckConstraint(
                condition=models.Q(("original", models.F("duplicate")), _negated=True),
                name="duplicate_suspect_two_accounts",
            ),
        ),
        migrations.RunPython(birth_dates_check, migrations.RunPython.noop),
        migrations.RunPython(keys_backfill, keys_clear),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                fields=["name_key", "date_of_birth", "gender"], name="participant_near_dup_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                fields=("identity_key",), name="participant_identity_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date_of_birth__gte", datetime.date(1900, 1, 1)),
                    ("date_of_birth__lte", datetime.date(2099, 12, 31)),
                ),
                name="participant_birth_date_range",
            ),
        ),
    ]
