"""Sweepers (issue #5 fills this in)."""


def attempts_close_expired() -> int:
    raise NotImplementedError


def attempts_requeue_ungraded() -> int:
    raise NotImplementedError
