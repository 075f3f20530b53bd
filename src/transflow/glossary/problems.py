"""A problem found in a glossary file, located by file:line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    origin: str
    message: str
    fatal: bool = False

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"
