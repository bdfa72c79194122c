from .appeals import Appeal
from .attempts import Attempt, Result
from .certificates import Certificate, CertificateJob
from .grading import AnswerKeyChange, Disqualification, RegradeJob, ResultsSnapshot
from .ranks import PublishedRank

__all__ = [
    "Appeal",
    "AnswerKeyChange",
    "Attempt",
    "Certificate",
    "CertificateJob",
    "Disqualification",
    "PublishedRank",
    "RegradeJob",
    "Result",
    "ResultsSnapshot",
]
