from .contests import Contest, ContestChange, ExcludedPerson, Milestone, Round
from .prizes import PrizeStructure, PrizeTier
from .questions import BlueprintItem, Option, Question, Topic
from .units import Organiser, Unit

__all__ = [
    "BlueprintItem",
    "Contest",
    "ContestChange",
    "ExcludedPerson",
    "Milestone",
    "Option",
    "Organiser",
    "PrizeStructure",
    "PrizeTier",
    "Question",
    "Round",
    "Topic",
    "Unit",
]
