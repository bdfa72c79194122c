from .appeals import Appeal
from .attempts import Attempt, Result
from .certificates import Certificate, CertificateJob
from .grading import AnswerKeyChange, Disqualification, RegradeJob, ResultsSnapshot
from .ranks import PublishedRank
from .sessions import ExamSession, PreparedAttempt

__all__ = [
    "Appeal",
    "AnswerKeyChange",
    "Attempt",
    "Certificate",
    "CertificateJob",
    "Disqualification",
    "ExamSession",
    "PreparedAttempt",
    "PublishedRank",
    "RegradeJob",
    "Result",
    "ResultsSnapshot",
]
