from .attempts import Attempt, Result
from .grading import AnswerKeyChange, Disqualification, RegradeJob, ResultsSnapshot

__all__ = [
    "AnswerKeyChange",
    "Attempt",
    "Disqualification",
    "RegradeJob",
    "Result",
    "ResultsSnapshot",
]
