"""What a data problem is, and how it reads: file, record, field, bad value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one field of one record of one file."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.record) if part)
        if self.field:
            return f"{where}: {self.field} {self.message}"
        return f"{where}: {self.message}"


class DataError(Exception):
    """Raised when a data folder cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        head = f"{len(self.problems)} problem(s) in the data"
        super().__init__(head + "\n" + "\n".join(str(p) for p in self.problems))
