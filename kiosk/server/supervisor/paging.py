"""Paging a long list on screen: which page, how many in all, the rows to skip."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paging:
    page: int  # from 1
    total: int
    size: int = 50

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def more_than_one(self) -> bool:
        return self.total > self.size
