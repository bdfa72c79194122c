from .appeals import Appeal
from .attempts import Attempt, Result
from .grading import AnswerKeyChange, Disqualification, RegradeJob, ResultsSnapshot

__all__ = [
    "Appeal",
    "AnswerKeyChange",
    "Attempt",
    "Disqualification",
    "RegradeJob",
    "Result",
    "ResultsSnapshot",
]
