from scoring.models import Attempt  # noqa: F401  (the models import cleanly)
from tests.factories import RegistrationFactory, contest_with_bank


def test_contest_with_bank_and_registration(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    assert contest.questions.count() == 20
    assert all(q.options.filter(is_correct=True).count() == 1 for q in contest.questions.all())
    registration = RegistrationFactory(contest=contest, unit=tree["A-1"], block=tree["C-Q"])
    assert registration.may_show_name is True
