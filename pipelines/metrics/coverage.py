"""Coverage of a figure: how many of the expected reports it rests on, and whether it is provisional."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipelines import formatting, labels


@dataclass(frozen=True)
class Coverage:
    covered: int                    # expected reports (village-months; villages for stocks) it rests on
    expected: int                   # how many there should be
    per_village: bool = False       # counts villages (stocks, flags) rather than village-months
    open_months: tuple[date, ...] = ()  # months of the range whose deadline has not passed
    not_due: int = 0                # expected village-months not yet due (never counted as missing)

    @property
    def share(self) -> float | None:
        return self.covered / self.expected if self.expected else None

    @property
    def provisional(self) -> bool:
        return bool(self.open_months)

    def text(self, lang: str = "id") -> str:
        """'dari 2.688 laporan yang diharapkan, 2.470 masuk (91,9%)', plus the provisional note."""
        key = "cov_villages" if self.per_village else "cov_reports"
        out = labels.text(key, lang, expected=formatting.number(self.expected, lang),
                          covered=formatting.number(self.covered, lang),
                          share=formatting.percent(self.share, lang))
        note = self.provisional_text(lang)
        return f"{out}. {note}" if note else out

    def provisional_text(self, lang: str = "id") -> str:
        """'Sementara: November 2026 belum lewat tenggat (412 laporan belum jatuh tempo).' or ''."""
        if not self.open_months:
            return ""
        months = ", ".join(formatting.month(m, lang) for m in self.open_months)
        return labels.text("cov_provisional", lang, months=months, n=formatting.number(self.not_due, lang))
