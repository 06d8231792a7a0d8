"""The workbooks of one load, in batches, each batch read and gathered on the reader pool one batch ahead."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipelines.ingest import gathering, nik, readers, workbook

# Light on purpose (no polars, DuckDB or registry): the CLI starts reading a load's first batch
# here while it is still importing and opening the warehouse.


@dataclass
class Source:
    """One workbook to load: its file name, bytes and (for simulations) when it was uploaded.

    A generated demo report may come as `sheets` (the text cells the reader would return)
    with empty `data`: it is validated and stored the same way, but no original file is kept.
    """
    name: str
    data: bytes
    uploaded_at: datetime | None = None
    sheets: dict[str, list[tuple]] | None = None

    def sha256(self) -> str:
        if self.sheets is None:
            return hashlib.sha256(self.data).hexdigest()
        return hashlib.sha256(json.dumps(self.sheets, ensure_ascii=False).encode()).hexdigest()

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        return cls(Path(path).name, Path(path).read_bytes())


class Gathering:
    """One batch's sources being read and gathered: the files on the reader pool when the load is
    large; generated reports, which come as text cells already, in this process."""

    def __init__(self, sources: list[Source | str | Path], run: int):
        self.sources = [s if isinstance(s, Source) else Source.from_path(s) for s in sources]
        self.named = [nik.found(s.name) for s in self.sources]  # file names that held a NIK
        files = [(i, s.data, self.named[i]) for i, s in enumerate(self.sources) if s.sheets is None]
        self.reading = readers.Reading(files, gathering.gather_files, run=run)

    def gathered(self) -> gathering.Gathered:
        """The batch's workbooks read and gathered, all parts put together (validate.judge checks them at once)."""
        generated = [i for i, s in enumerate(self.sources) if s.sheets is not None]
        books = [workbook.from_rows(self.sources[i].sheets) for i in generated]
        for i, book in zip(generated, books):
            if self.named[i]:
                gathering.name_held_nik(book)
        parts = self.reading.parts()
        if generated:
            parts.append(gathering.gather(books, positions=generated))
        return gathering.merge(parts)


class Plan:
    """A load's sources in batches of up to batch_size; the first batch starts being read at once,
    each next one when the one before it is taken (so the pool reads ahead while it is written)."""

    def __init__(self, sources: Iterable[Source | str | Path], batch_size: int = 500):
        self.items = list(sources)
        self.batches = [self.items[i:i + batch_size] for i in range(0, len(self.items), batch_size)]
        # The pool is used or not for the whole load (its files, not generated reports), not per batch.
        self.run = sum(not isinstance(s, Source) or s.sheets is None for s in self.items)
        self._ahead = Gathering(self.batches[0], self.run) if self.batches else None

    def __len__(self) -> int:
        return len(self.batches)

    def take(self, k: int) -> tuple[Gathering, gathering.Gathered]:
        """Batch k (taken in order) and what was gathered of it; batch k + 1 is started before this returns."""
        current = self._ahead
        gathered = current.gathered()
        self._ahead = Gathering(self.batches[k + 1], self.run) if k + 1 < len(self.batches) else None
        return current, gathered
