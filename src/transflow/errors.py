"""Errors a user can act on: one line naming what is wrong and how to fix it."""

from __future__ import annotations

USAGE = 2
FAILED = 1


class TransflowError(Exception):
    """A problem with the user's input or environment, reported without a traceback.

    ``exit_code`` is 2 for usage errors (bad arguments, missing model) and 1 for
    work that was attempted and failed.
    """

    def __init__(self, message: str, exit_code: int = FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(TransflowError):
    def __init__(self, message: str) -> None:
        super().__init__(message, USAGE)


class DiskFull(TransflowError):
    """The disk filled up while writing: said as such, with what was (not) written, so a run can stop cleanly."""
