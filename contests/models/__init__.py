from .announcements import Announcement, AnnouncementRead
from .categories import Category
from .contests import Contest, ContestChange, ExcludedPerson, Milestone, Round
from .prizes import PrizeStructure, PrizeTier
from .questions import BlueprintItem, Option, Question, Topic
from .units import Organiser, Unit, UnitTarget

__all__ = [
    "Announcement",
    "AnnouncementRead",
    "Category",
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
    "UnitTarget",
]
