"""Reads for taking the test: the attempt of a person, question texts (cached), what is left.

Question texts are cached per question id (`question_contents`). A question id names one
*version*: once a version has been drawn into an attempt (`Question.used`) it is never edited in
place (an edit makes a new version and retires this one), so its cached text and options can
never go stale. Texts are only cached after the attempt that marked them used is committed
(`transaction.on_commit` in `attempt_start`), or when read for an attempt that already exists.
CONTENT_CACHE_VERSION is bumped only if the cached format changes."""

import contextlib
import datetime
import functools

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.crypto import constant_time_compare

from contest_site import clock
from contest_site.untrusted import parse_id
from contests.access import review_shows_explanations, review_visible
from contests.models import Contest, ExcludedPerson, Option, Round
from participants.models import Participant, Registration
from scoring.models import Attempt, Disqualification

GRACE = datetime.timedelta(seconds=60)
CONTENT_CACHE_VERSION = 1
CONTENT_CACHE_TIMEOUT = 24 * 3600


def content_key(question_id: int) -> str:
    return f"scoring:q:{CONTENT_CACHE_VERSION}:{question_id}"


def question_contents_from_db(*, question_ids: list[int]) -> dict[int, dict]:
    """{question id: {"text": ..., "options": {option id: text}}} in one query, options in
    position order. Never the key."""
    contents: dict[int, dict] = {}
    rows = (
        Option.objects.filter(question_id__in=question_ids)
        .order_by("question_id", "position")
        .values_list("question_id", "question__text", "id", "text")
    )
    for question_id, question_text, option_id, option_text in rows:
        entry = contents.setdefault(question_id, {"text": question_text, "options": {}})
        entry["options"][option_id] = option_text
    return contents


# Process-local layer in front of Redis: a used version's text never changes, so a web
# process may keep it for good (bounded: emptied when it grows past LOCAL_CONTENTS_MAX).
_local_contents: dict[int, dict] = {}
LOCAL_CONTENTS_MAX = 20_000


def remember_contents(contents: dict[int, dict]) -> None:
    """Keep texts of *used* versions in this process."""
    if len(_local_contents) + len(contents) > LOCAL_CONTENTS_MAX:
        _local_contents.clear()
    _local_contents.update(contents)


def local_caches_clear() -> None:
    """Forget this process's cached texts (tests)."""
    _local_contents.clear()


def question_contents_cached(*, question_ids: list[int]) -> dict[int, dict]:
    """What this process or Redis knows of these questions' texts (used versions only)."""
    contents = {q: _local_contents[q] for q in question_ids if q in _local_contents}
    missing = [q for q in question_ids if q not in contents]
    if missing:
        keys = {content_key(q): q for q in missing}
        try:
            found = cache.get_many(list(keys))
        except Exception:  # Redis down: the database still answers
            found = {}
        shared = {keys[k]: v for k, v in found.items()}
        remember_contents(shared)
        contents.update(shared)
    return contents


def question_contents(*, question_ids: list[int]) -> dict[int, dict]:
    """The texts of the questions of an existing attempt (so: used versions): from this
    process, then Redis, then the database in one query (and remembered: used versions are
    immutable)."""
    contents = question_contents_cached(question_ids=question_ids)
    missing = [q for q in question_ids if q not in contents]
    if missing:
        loaded = question_contents_from_db(question_ids=missing)
        contents.update(loaded)
        remember_contents(loaded)
        with contextlib.suppress(Exception):  # the cache is an optimisation only
            cache.set_many(
                {content_key(q): v for q, v in loaded.items()}, timeout=CONTENT_CACHE_TIMEOUT
            )
    return contents


def exam_questions(*, items: list[dict], answers: dict) -> tuple[list[dict], int]:
    """What the exam page shows of a drawn test (a real attempt's or a practice one's): each
    question with its options in display order, the chosen one checked (`answers`: {question
    id: option id}, ids as posted or stored); and how many are answered."""
    contents = question_contents(question_ids=[item["q"] for item in items])
    questions = []
    for number, item in enumerate(items, start=1):
        content = contents.get(item["q"], {"text": "", "options": {}})
        chosen = parse_id(answers.get(str(item["q"])))
        questions.append(
            {
                "number": number,
                "id": item["q"],
                "text": content["text"],
                "options": [
                    {"id": o, "text": content["options"].get(o, ""), "checked": o == chosen}
                    for o in item["o"]
                ],
            }
        )
    answered = sum(1 for q in questions if any(o["checked"] for o in q["options"]))
    return questions, answered


def attempt_for_user(*, attempt_id: int, user) -> Attempt | None:
    """The attempt if it belongs to `user`, with its contest; None otherwise (the view's 404).
    One query."""
    if not user.is_authenticated:
        return None
    return (
        Attempt.objects.select_related("contest", "round")
        .filter(pk=attempt_id, registration__participant__user_id=user.pk)
        .first()
    )


def attempt_for_user_to_answer(*, attempt_id: int, user) -> Attempt | None:
    """Like `attempt_for_user`, with only what autosave and submit need (the hot paths): no
    joins, no grading columns. One query."""
    if not user.is_authenticated:
        return None
    return (
        Attempt.objects.only(*ANSWER_FIELDS)
        .filter(pk=attempt_id, registration__participant__user_id=user.pk)
        .first()
    )


ANSWER_FIELDS = (
    "id",
    "status",
    "deadline",
    "items",
    "answers",
    "prediction",
    "autosave_seq",
    "question_count",
)


@functools.cache
def _answer_sql() -> str:
    """The attempt's ANSWER_FIELDS and its person's password hash, if the attempt is that
    active person's. Written as SQL (portable: joins and parameters only) because building the
    same query with the ORM (three joins, an annotation) cost more CPU than the rest of the
    submit view (cProfile: benchmarks/README.md, tuning)."""
    user_model = get_user_model()
    tables = {
        "attempt": Attempt,
        "registration": Registration,
        "participant": Participant,
        "user": user_model,
    }
    quote = connection.ops.quote_name
    name = {key: quote(model._meta.db_table) for key, model in tables.items()}
    columns = ", ".join(f"a.{quote(Attempt._meta.get_field(f).column)}" for f in ANSWER_FIELDS)
    return (
        f"SELECT {columns}, u.{quote('password')} AS owner_password "  # noqa: S608
        f"FROM {name['attempt']} a "
        f"JOIN {name['registration']} r ON r.id = a.registration_id "
        f"JOIN {name['participant']} p ON p.id = r.participant_id "
        f"JOIN {name['user']} u ON u.id = p.user_id "
        f"WHERE a.id = %s AND u.id = %s AND u.is_active = %s"
    )


def attempt_for_session_to_answer(*, attempt_id: int, session) -> Attempt | None:
    """Autosave's and submit's attempt, and the session's person, in one query (the hot paths
    of a contest: about 20 autosaves and a submit per test).

    What `django.contrib.auth.get_user` checks (a known backend, an active user, the session's
    hash of the user's password) is checked here on the row joined to the attempt, so that the
    user is not read on its own. Returns None whenever that is not conclusive: no session, not
    this person's attempt, a stale hash (a password changed; the key rotated). The caller then
    takes the usual path through `request.user`, which logs a stale session out."""
    user_id = session.get(SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    if not user_id or not session_hash:
        return None
    if session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    attempt = next(iter(Attempt.objects.raw(_answer_sql(), [attempt_id, user_id, True])), None)
    if attempt is None:
        return None
    expected = user_model(pk=user_id, password=attempt.owner_password).get_session_auth_hash()
    if not constant_time_compare(session_hash, expected):
        return None
    return attempt


def attempt_list_for_user(*, user) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(registration__participant__user_id=user.pk)
        .select_related("contest", "round")
        .order_by("-started_at")
    )


def autosave_timing() -> dict[str, float]:
    """When the page's script sends its batch of answers (static/js/attempt.js): after
    `autosave_pause` seconds without a new answer, but not sooner than `autosave_every` seconds
    after its previous batch, and never later than `autosave_every` seconds after the first
    answer it has not sent (docs/exam.md, autosave). Template context for the exam form."""
    return {
        "autosave_pause": settings.EXAM_AUTOSAVE_PAUSE_SECONDS,
        "autosave_every": settings.EXAM_AUTOSAVE_EVERY_SECONDS,
    }


def seconds_remaining(*, attempt: Attempt, now: datetime.datetime | None = None) -> int:
    """Whole seconds until the deadline (0 when past): what the countdown starts from."""
    now = now or clock.now()
    return max(0, int((attempt.deadline - now).total_seconds()))


def registration_standing(*, registration: Registration) -> tuple[bool, bool]:
    """(disqualified, on the contest's excluded list) now, in one query: what may have
    changed since the person registered."""
    return (
        Registration.objects.filter(pk=registration.pk)
        .annotate(
            disqualified=Exists(
                Disqualification.objects.filter(
                    registration=OuterRef("pk"), revoked_at__isnull=True
                )
            ),
            excluded=Exists(
                ExcludedPerson.objects.filter(
                    contest=OuterRef("contest_id"), document_number=OuterRef("document_number")
                )
            ),
        )
        .values_list("disqualified", "excluded")
        .get()
    )


def attempts_allowed(*, contest: Contest, round: Round | None) -> int:
    """0 = unlimited. With rounds, the limit counts per round (the round's own, else the
    contest's)."""
    if round is not None and round.attempts_allowed is not None:
        return round.attempts_allowed
    return contest.attempts_allowed


def attempts_left(*, attempt: Attempt) -> int | None:
    """Attempts the person may still start in the attempt's contest/round; None = unlimited."""
    allowed = attempts_allowed(contest=attempt.contest, round=attempt.round)
    if allowed == 0:
        return None
    used = Attempt.objects.filter(
        registration_id=attempt.registration_id, round_id=attempt.round_id
    ).count()
    return max(0, allowed - used)


def review_allowed(*, attempt: Attempt, now: datetime.datetime | None = None) -> bool:
    """Whether the person may see the key of this attempt now: only once it is graded (never
    while it is open or being graded), and when the contest's review policy says so
    (`contests.access.review_visible`, the one rule)."""
    if attempt.status != Attempt.Status.GRADED:
        return False
    now = now or clock.now()
    return review_visible(contest=attempt.contest, round=attempt.round, now=now)


def attempt_review(*, attempt: Attempt, now: datetime.datetime | None = None) -> list[dict] | None:
    """What the participant may see after the test, question by question, in display order:
    the text, each option with "chosen"/"correct", and (if the policy says so) the explanation
    and the legal reference. None when `review_allowed` says no: the key is read only here,
    and only after that check."""
    if not review_allowed(attempt=attempt, now=now):
        return None
    return answer_sheet(
        items=attempt.items,
        answers=attempt.answers,
        explanations=review_shows_explanations(contest=attempt.contest),
    )


def answer_sheet(*, items: list[dict], answers: dict, explanations: bool, key_shown=None) -> list:
    """A finished test question by question in display order (a real attempt's review, a
    practice result): the text, each option with "chosen"/"correct", whether it was answered
    and right, and with `explanations` the explanation and the legal reference. `key_shown`
    (question -> bool; default: every key) hides the key of a question it refuses. Reads the
    key: callers decide first that it may be shown."""
    question_ids = [item["q"] for item in items]
    options = {
        o.id: o
        for o in Option.objects.filter(question_id__in=question_ids).select_related("question")
    }
    sheet = []
    for number, item in enumerate(items, start=1):
        chosen = answers.get(str(item["q"]))
        shown = [options[o] for o in item["o"] if o in options]
        if not shown:
            continue
        question = shown[0].question
        key = key_shown(question) if key_shown is not None else True
        explained = key and explanations
        sheet.append(
            {
                "number": number,
                "text": question.text,
                "key_shown": key,
                "options": [
                    {"text": o.text, "chosen": o.id == chosen, "correct": key and o.is_correct}
                    for o in shown
                ],
                "answered": chosen is not None,
                "is_correct": key and any(o.is_correct and o.id == chosen for o in shown),
                "explanation": question.explanation if explained else "",
                "legal_reference": question.legal_reference if explained else "",
            }
        )
    return sheet
