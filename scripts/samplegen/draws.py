"""Random values a document kind needs, as data: each draw names what to draw, the builder draws in list order.

The order of draws in a kind is part of the sample set's identity: the generator is shared by all documents of a
set, so reordering or removing a draw changes every document built after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from .names import Names
from .templating import Filler


class Draw(Protocol):
    def draw(self, nm: Names, env: Filler) -> object:
        """The value; may read earlier values from ``env.ctx`` and fill templates with ``env``."""
        ...


@dataclass(frozen=True)
class Person:
    """A new full name; the sex is drawn when ``female`` is None."""

    female: bool | None = None

    def draw(self, nm: Names, env: Filler) -> object:
        return nm.person(self.female)


@dataclass(frozen=True)
class Address:
    """An address in the province; urban or rural is drawn when ``urban`` is None."""

    urban: bool | None = None

    def draw(self, nm: Names, env: Filler) -> object:
        return nm.address(self.urban)


@dataclass(frozen=True)
class Phone:
    def draw(self, nm: Names, env: Filler) -> object:
        return nm.phone()


@dataclass(frozen=True)
class TaxCode:
    def draw(self, nm: Names, env: Filler) -> object:
        return nm.tax_code()


@dataclass(frozen=True)
class Pick:
    """One of ``options`` (templates, filled before picking)."""

    options: tuple[str, ...]

    def draw(self, nm: Names, env: Filler) -> object:
        return nm.pick([env.fill(o) for o in self.options])


@dataclass(frozen=True)
class PickNew:
    """One of ``options`` not handed out before in the set (companies that must not repeat)."""

    options: tuple[str, ...]

    def draw(self, nm: Names, env: Filler) -> object:
        return nm.pick_new([env.fill(o) for o in self.options])


@dataclass(frozen=True)
class Int:
    """An integer in [lo, hi)."""

    lo: int
    hi: int

    def value(self, nm: Names) -> int:
        return int(nm.rng.integers(self.lo, self.hi))

    def draw(self, nm: Names, env: Filler) -> object:
        return self.value(nm)


@dataclass(frozen=True)
class Less:
    """An earlier value minus ``amount`` (fixed, or drawn); in days when the earlier value is a date."""

    base: str
    amount: int | Int

    def draw(self, nm: Names, env: Filler) -> object:
        n = self.amount if isinstance(self.amount, int) else self.amount.value(nm)
        base = env.ctx[self.base]
        if isinstance(base, dt.date):
            return base - dt.timedelta(days=n)
        if isinstance(base, int):
            return base - n
        raise TypeError(f"Less: {self.base} is neither a date nor an integer")
