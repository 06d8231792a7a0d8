"""A finding (error or warning) about one cell, row, sheet or whole workbook."""
from __future__ import annotations

from dataclasses import asdict, dataclass

HIDDEN = "(disembunyikan)"  # stands in for a personal-data value that must never be echoed


@dataclass(frozen=True)
class Finding:
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One readable Indonesian line: where, what was found, what is expected."""
        where = ", ".join(
            part for part in (
                f"sheet {self.sheet}" if self.sheet else None,
                f"baris {self.row}" if self.row else None,
                f"kolom {self.column}" if self.column else None,
            ) if part
        )
        found = f" (isi: {self.value!r})" if self.value not in (None, "") else ""
        return f"{where or 'berkas'}: {self.message}{found}"
