"""The opened backends of one process, built once from Settings; plus the object keys of a document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .ports import BlobStore, Bus, SearchIndex
from .registry import open_bus, open_index, open_store
from .settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def original_key(doc_id: str) -> str:
    return f"originals/{doc_id[:2]}/{doc_id}"


def derived_key(doc_id: str, name: str) -> str:
    """``name`` is one of ``text.txt``, ``searchable.pdf``, ``meta.json``."""
    return f"derived/{doc_id[:2]}/{doc_id}/{name}"


@dataclass
class Context:
    """Use as ``with Context.open(settings) as ctx: ...``; leaving the block closes the backends."""

    settings: Settings
    bus: Bus
    store: BlobStore
    index: SearchIndex
    _database: Engine | None = field(default=None, repr=False)

    def database(self) -> Engine:
        """The relational store (:mod:`workers.db`), opened and migrated on first use."""
        if self._database is None:
            from .db import open_database

            self._database = open_database(self.settings)
        return self._database

    @classmethod
    def open(cls, settings: Settings) -> Context:
        settings.home.mkdir(parents=True, exist_ok=True)
        index = open_index(settings)
        index.ensure()
        return cls(settings=settings, bus=open_bus(settings), store=open_store(settings), index=index)

    def close(self) -> None:
        self.bus.close()
        self.index.close()
        if self._database is not None:
            self._database.dispose()

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
