from .attempts import Attempt, Result

__all__ = ["Attempt", "Result"]
