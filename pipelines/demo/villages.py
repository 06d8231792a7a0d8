"""The demo's village model: registry facts, a profile per village, opening stocks and which months it reports."""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pipelines.demo.assumptions import (
    AWAITING_VILLAGE,
    DESTINATIONS,
    FIRST_NAMES,
    LAST_NAMES,
    MODEL_VILLAGES,
    OTHER_DESTINATIONS,
    OTHER_PROBLEM_SHARE,
    OTHER_RATE,
    PLACEMENT_RATE,
    PROBLEM_SHARE,
    TULUNGAGUNG,
    TULUNGAGUNG_RATE,
    month_add,
)
from pipelines.demo.draws import SEED, jitter

# --------------------------------------------------------------------------- the village model


@dataclass(frozen=True)
class Village:
    """The registry facts the generator uses."""
    code: str
    name: str
    joined_year: int


@dataclass
class Profile:
    """A village's lasting character, drawn once from its own seed."""
    rate: float                   # expected placements a month
    destinations: dict[str, float]
    activity: float               # how busy the programme officers are
    missing: float                # chance a month's report never arrives
    late: float                   # chance a report is late
    silent_from: date | None      # reports stop from this month (a few villages)
    has_cooperative: bool
    served_share: float           # children served as a share of children registered
    turnover_per_business: float  # rupiah a month (demo assumption)
    deposit_per_member: float     # rupiah a month (demo assumption)
    problem_share: float
    officers: list[str]
    officer_change: int           # month index at which a new officer takes over
    remit_countries: dict[str, float]  # the main destinations, shares summing to 1
    channels: dict[str, float]    # channels used besides digital wallets
    wallet_from: date             # month digital wallets reach the village


@dataclass
class Stocks:
    """Month-end balances carried from month to month."""
    u05: int
    c01: int
    k01: int
    k02: float
    k04: float
    k05: int
    k05_from: int | None          # month index when the cooperative becomes a legal entity
    backlog: int = 0              # complaints not yet resolved


@dataclass
class Report:
    """One village-month that gets a workbook, and when it was made and uploaded."""
    index: int                    # position in the village's month list
    period: date
    reported_on: date
    uploaded_at: datetime


@dataclass
class Workbook:
    """A generated report ready for the loader: xlsx bytes, or (most of them) the sheets' text cells."""
    name: str
    data: bytes
    uploaded_at: datetime
    sheets: dict[str, list[tuple]] | None = None


def region(code: str) -> str:
    """Province code used for the regional tables."""
    return code[:2]


def officer_names(rng: random.Random, code: str) -> list[str]:
    """Two invented officer names drawn from the region's name lists."""
    key = region(code) if region(code) in FIRST_NAMES else "java"
    return [f"{rng.choice(FIRST_NAMES[key])} {rng.choice(LAST_NAMES[key])}" for _ in range(2)]


def profile(v: Village, months: list[date]) -> Profile:
    """Draw the village's lasting character (all figures demo assumptions)."""
    rng = random.Random(f"{SEED}|village|{v.code}")
    rate = PLACEMENT_RATE.get(region(v.code), OTHER_RATE) * rng.lognormvariate(0, 0.45)
    if v.code.startswith(TULUNGAGUNG + "."):
        rate = TULUNGAGUNG_RATE * rng.lognormvariate(0, 0.15)
    # Demo assumption: most villages miss a report now and then, a quarter often, a few
    # most of the time (about 10% of village-months overall); 3.5% fall silent for the
    # last 3-8 months; 5-35% of a village's reports are late.
    r = rng.random()
    missing = rng.uniform(0.02, 0.08) if r < 0.70 else rng.uniform(0.10, 0.22) if r < 0.95 \
        else rng.uniform(0.30, 0.45)
    silent_from = None
    if rng.random() < 0.035 and len(months) >= 6:
        silent_from = months[-rng.randint(3, min(8, len(months) - 1))]
    if v.code in MODEL_VILLAGES:
        missing, silent_from = 0.02, None  # the showcase villages report faithfully
    destinations = jitter(rng, DESTINATIONS.get(region(v.code), OTHER_DESTINATIONS), 0.35)
    return Profile(
        rate=rate,
        destinations=destinations,
        activity=rng.lognormvariate(0, 0.4),
        missing=missing,
        late=rng.uniform(0.05, 0.35),
        silent_from=silent_from,
        has_cooperative=rng.random() < 0.9,
        served_share=rng.uniform(0.2, 0.6),
        turnover_per_business=rng.uniform(2_000_000, 8_000_000),
        deposit_per_member=rng.uniform(25_000, 100_000),
        problem_share=PROBLEM_SHARE.get(region(v.code), OTHER_PROBLEM_SHARE) * rng.uniform(0.8, 1.2),
        officers=officer_names(rng, v.code),
        officer_change=rng.randint(6, 60),
        remit_countries=main_destinations(destinations),
        channels=channels(rng),
        wallet_from=month_add(date(2022, 1, 1), rng.randint(0, 60)),
    )


def main_destinations(weights: dict[str, float], keep: int = 3) -> dict[str, float]:
    """The village's top destinations with shares summing to 1."""
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    total = sum(w for _, w in top)
    return {k: w / total for k, w in top}


def channels(rng: random.Random) -> dict[str, float]:
    """Channels a village's families use (demo assumption: banks first, then one or two)."""
    out = {"Bank": 0.65}
    if rng.random() < 0.6:
        out["Perusahaan Pengiriman Uang"] = 0.2
    if rng.random() < 0.3:
        out["Kantor Pos"] = 0.08
    if rng.random() < 0.08:
        out["Lainnya"] = 0.04
    return out


def initial_stocks(v: Village, p: Profile, start: date, n_months: int) -> Stocks:
    """Balances at the start of the window, larger the longer the village has been in."""
    # Demo assumption: balances grow with years in the programme; about 45% of the
    # cooperatives not yet registered become legal entities during the window.
    rng = random.Random(f"{SEED}|stocks|{v.code}")
    years = max(0.0, (start.year - v.joined_year) + (start.month - 7) / 12)
    size = p.rate / 3.0
    k05 = 1 if rng.random() < min(0.6, 0.1 * years) else 0
    k05_from = rng.randrange(n_months) if not k05 and rng.random() < 0.45 else None
    members = round((30 + 25 * years) * rng.lognormvariate(0, 0.3))
    return Stocks(
        u05=round((5 + 6 * years) * size * rng.lognormvariate(0, 0.3)),
        c01=round((40 + 15 * years) * size * rng.lognormvariate(0, 0.3)),
        k01=members,
        k02=members * p.deposit_per_member * (6 + 8 * years) * rng.lognormvariate(0, 0.2),
        k04=members * rng.uniform(200_000, 900_000),
        k05=k05,
        k05_from=k05_from,
    )


# --------------------------------------------------------------------------- planning


def plan(v: Village, months: list[date], today: date) -> list[Report]:
    """Which of the village's months get a workbook, and when it was reported and uploaded."""
    p = profile(v, months)
    out = []
    for i, period in enumerate(months):
        if period.year < v.joined_year:
            continue  # no report before the village joined (demo: from January of that year)
        rng = random.Random(f"{SEED}|plan|{v.code}|{period:%Y-%m}")
        if rng.random() < p.missing or (p.silent_from and period >= p.silent_from):
            continue
        if v.code == AWAITING_VILLAGE and i == len(months) - 1:
            continue
        next_month = month_add(period, 1)
        if rng.random() < p.late:
            late_day = rng.randint(11, 28) + (30 if rng.random() < 0.15 else 0)
            reported = next_month + timedelta(days=late_day - 1)
        else:
            reported = next_month + timedelta(days=rng.randint(1, 10) - 1)
        if reported > today:
            continue  # not in yet: the report would be made after today
        uploaded = datetime.combine(reported + timedelta(days=rng.randint(1, 4)), datetime.min.time())
        uploaded += timedelta(minutes=rng.randint(7 * 60, 16 * 60))
        if uploaded.date() > today:
            uploaded = datetime.combine(today, datetime.min.time()) + timedelta(hours=7)
        out.append(Report(i, period, reported, uploaded))
    return out


def read_villages(csv_path: Path) -> list[Village]:
    """The registry CSV as Village records, in code order."""
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return sorted((Village(r["kode_desa"], r["nama_desa"], int(r["tahun_bergabung"])) for r in rows),
                  key=lambda v: v.code)


def subset(villages: list[Village], n: int | None) -> list[Village]:
    """n villages spread evenly over the registry (all when n is None)."""
    if n is None or n >= len(villages):
        return villages
    step = len(villages) / n
    return [villages[int(i * step)] for i in range(n)]
