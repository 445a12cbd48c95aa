"""The one exception type the guide raises for bad input: its message is one line for a human."""

from __future__ import annotations


class GuideError(Exception):
    """Bad input or a failed check, explained in one line (no traceback is shown for it)."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self)
