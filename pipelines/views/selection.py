"""The selection every page model takes: area, month range, comparison, approved-only and the signed-in user."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipelines import settings
from pipelines.accounts.roles import User
from pipelines.metrics import calendar


@dataclass(frozen=True)
class Selection:
    """Built by ui.filters from the sidebar (pages without it get the user and the defaults); hashable,
    so the page cache keys on it."""
    area: str = ""                # '' national, else a Kemendagri code prefix
    start: date | None = None     # first month, inclusive
    end: date | None = None       # last month, inclusive
    compare: str = "yoy"          # comparison period: yoy (a year earlier) | prev (just before)
    approved_only: bool = False   # count only district-months a reviewer approved
    user: User | None = None      # the signed-in user (None: signed out); the models scope data by roles.scope
    area_label: str = ""          # 'Kabupaten Tulungagung'
    period_label: str = ""        # 'Mei 2024 – Okt 2024'

    @property
    def provisional(self) -> bool:
        """The range includes a month whose deadline has not passed: its figures are sementara."""
        if self.start is None or self.end is None:
            return False
        return bool(calendar.open_months(self.start, self.end, settings.today()))
