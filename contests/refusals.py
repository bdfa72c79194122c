"""The one way the product says no.

A pure rule returns a `Refusal` (or None when the action is allowed); a service that acts on
it raises `Refused`. Both carry a short English `code` (for tests, logs and branching) and the
Vietnamese `message` a person reads.
"""

from typing import NamedTuple


class Refusal(NamedTuple):
    code: str
    message: str

    def __str__(self) -> str:
        return str(self.message)


class Refused(Exception):
    """An action the rules refuse; nothing was changed."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message

    @classmethod
    def from_refusal(cls, refusal: Refusal) -> "Refused":
        return cls(refusal.code, refusal.message)

    def __str__(self) -> str:
        return str(self.message)


def raise_if_refused(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise Refused.from_refusal(refusal)
