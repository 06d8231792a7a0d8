"""Build the demo warehouse: demo registry plus 36 months of generated workbooks loaded through the ingestion path.

    python -m pipelines.demo [--db PATH] [--months 36] [--force]

Every monthly figure made here is GENERATED DEMO DATA, not a real statistic. The shapes
follow the programme's few published figures (shared/domain.md); every other number is a
demo assumption and is labelled as such where it is set. The workbooks are written with
the real template writer and loaded with the real ingestion path (validation included),
so the demo exercises exactly what a district coordinator's upload does.

The same inputs (registry, months, today) give the same workbook contents: every random
draw comes from random.Random seeded with a fixed string plus the village code (and the
month), never from the clock or the process.
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import multiprocessing
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from pipelines import catalogue, settings
from pipelines.ingest import template

REGISTRY_CSV = settings.ROOT / "data" / "demo" / "villages.csv"
SEED = "pantau-desmigratif-demo-v1"
CHUNK = 500     # workbooks per load_files call, so progress moves in visible steps
FILE_BATCH = 400  # xlsx reports per load_files call: above the reading pool's threshold (readers.POOL_MIN_FILES)
WORKERS = 2     # the target machine has 2 cores
USER = "demo"

Progress = Callable[[int, int, str], None]

# --------------------------------------------------------------------------- calendar

# Idul Fitri (Lebaran) dates as announced in Indonesia, to the day or so. Placements dip
# in Ramadan and Lebaran and pick up after; migrants come home for Lebaran and send more
# money before it. The size of each effect below is a demo assumption.
LEBARAN = {
    2016: date(2016, 7, 6), 2017: date(2017, 6, 25), 2018: date(2018, 6, 15),
    2019: date(2019, 6, 5), 2020: date(2020, 5, 24), 2021: date(2021, 5, 13),
    2022: date(2022, 5, 2), 2023: date(2023, 4, 22), 2024: date(2024, 4, 10),
    2025: date(2025, 3, 31), 2026: date(2026, 3, 20), 2027: date(2027, 3, 10),
    2028: date(2028, 2, 27), 2029: date(2029, 2, 14), 2030: date(2030, 2, 4),
}


def month_add(first: date, n: int) -> date:
    """The first day of the month n months after `first` (n may be negative)."""
    k = first.year * 12 + first.month - 1 + n
    return date(k // 12, k % 12 + 1, 1)


def month_index(period: date, lebaran: date) -> int:
    """Months from Lebaran's month to `period` (0 = Lebaran month)."""
    return (period.year - lebaran.year) * 12 + period.month - lebaran.month


@dataclass(frozen=True)
class Season:
    """Multipliers for one month: placements, returns and remittances."""
    placements: float = 1.0
    returns: float = 1.0
    remittances: float = 1.0


def season(period: date) -> Season:
    """Ramadan and Lebaran effects on one month (demo assumption sizes)."""
    leb = LEBARAN.get(period.year)
    if leb is None:
        return Season()
    ramadan = month_add((leb - timedelta(days=15)).replace(day=1), 0)
    if period == ramadan:
        return Season(0.65, 1.5, 1.35)   # fasting month: few departures, homecomings, THR sent
    d = month_index(period, leb)
    if d == 0:
        return Season(0.7, 1.4, 1.1)
    if d == 1:
        return Season(1.35, 0.85, 0.95)  # departures catch up after Lebaran
    if d == 2:
        return Season(1.15, 0.9, 1.0)
    return Season()


def report_months(months: int, today: date) -> list[date]:
    """The last `months` complete months before today, oldest first."""
    this_month = today.replace(day=1)
    return [month_add(this_month, -n) for n in range(months, 0, -1)]


# --------------------------------------------------------------------------- regions

# Destination mixes by province (weights), after the patterns of BP2MI placement data:
# a demo assumption in the exact weights.
DESTINATIONS = {
    "35": {"TW": 0.36, "HK": 0.30, "MY": 0.20, "SG": 0.09, "KR": 0.03, "JP": 0.02},  # Jawa Timur
    "33": {"TW": 0.34, "KR": 0.20, "JP": 0.15, "MY": 0.21, "HK": 0.10},              # Jawa Tengah
    "32": {"SA": 0.30, "MY": 0.25, "TW": 0.25, "AE": 0.10, "HK": 0.05, "KR": 0.05},  # Jawa Barat
    "52": {"MY": 0.76, "SA": 0.14, "TW": 0.05, "BN": 0.05},                          # NTB
    "53": {"MY": 0.90, "SG": 0.05, "HK": 0.05},                                      # NTT
    "18": {"MY": 0.40, "TW": 0.30, "HK": 0.25, "SG": 0.05},                          # Lampung
}
OTHER_DESTINATIONS = {"MY": 0.55, "TW": 0.15, "HK": 0.10, "SA": 0.10, "KR": 0.10}

# Sector mix per destination (demo assumption): domestic and care work to Hong Kong,
# Singapore and the Gulf; factories and fishing to Korea and Japan; plantations,
# factories and building sites in Malaysia.
SECTORS = {
    "HK": {"Domestik": 0.85, "Perawat/Caregiver": 0.15},
    "SG": {"Domestik": 0.80, "Perawat/Caregiver": 0.10, "Jasa/Hospitality": 0.10},
    "SA": {"Domestik": 0.80, "Perawat/Caregiver": 0.05, "Jasa/Hospitality": 0.10, "Lainnya": 0.05},
    "AE": {"Domestik": 0.60, "Jasa/Hospitality": 0.30, "Perawat/Caregiver": 0.10},
    "TW": {"Perawat/Caregiver": 0.45, "Domestik": 0.15, "Manufaktur": 0.30, "Perikanan/ABK": 0.10},
    "MY": {"Perkebunan/Pertanian": 0.35, "Manufaktur": 0.25, "Konstruksi": 0.15,
           "Domestik": 0.15, "Jasa/Hospitality": 0.10},
    "KR": {"Manufaktur": 0.70, "Perikanan/ABK": 0.20, "Perkebunan/Pertanian": 0.10},
    "JP": {"Manufaktur": 0.50, "Perawat/Caregiver": 0.25, "Perkebunan/Pertanian": 0.10,
           "Konstruksi": 0.10, "Perikanan/ABK": 0.05},
    "BN": {"Domestik": 0.40, "Konstruksi": 0.30, "Jasa/Hospitality": 0.30},
}

# Share of women by sector (demo assumption), tuned so that the East Java villages come
# out near the Ponorogo study's 70% women.
WOMEN_SHARE = {
    "Domestik": 0.97, "Perawat/Caregiver": 0.90, "Manufaktur": 0.45,
    "Perkebunan/Pertanian": 0.30, "Perikanan/ABK": 0.02, "Konstruksi": 0.05,
    "Jasa/Hospitality": 0.50, "Lainnya": 0.40,
}

# Placements per village per month before village size and season (demo assumption).
PLACEMENT_RATE = {"35": 4.0, "33": 3.5, "32": 4.0, "52": 3.5, "53": 1.5, "18": 2.5}
OTHER_RATE = 1.2
# Kabupaten Tulungagung placed 11,589 migrants in 2022 (whole district, ~270 villages).
# Demo assumption: its six Desmigratif villages together place a few hundred a year
# (6 villages x ~4.5 a month x 12 = ~320, under 3% of the district).
TULUNGAGUNG = "35.04"
TULUNGAGUNG_RATE = 4.5
# Tunggangri, Betak and Pagersari, the 2023 model area (shared/domain.md).
MODEL_VILLAGES = {"35.04.14.2011", "35.04.14.2016", "35.04.14.2017"}
# Demo assumption: Tunggangri's report for the newest month has not come in yet, so a coordinator
# trying the app can download its template, upload it and watch the village turn "reported".
AWAITING_VILLAGE = "35.04.14.2011"

# Share of returnees who come home with a problem (demo assumption, 5-10%).
PROBLEM_SHARE = {"52": 0.09, "53": 0.10}
OTHER_PROBLEM_SHARE = 0.06

# Average remittance per transaction by country, rupiah (demo assumption, kept within
# Rp 1-10 juta); channel multipliers make wallet and post transfers smaller.
REMIT_AVG = {"HK": 5_000_000, "TW": 5_500_000, "SG": 4_500_000, "MY": 2_000_000,
             "SA": 3_000_000, "AE": 3_500_000, "KR": 9_000_000, "JP": 8_000_000,
             "BN": 2_500_000}
CHANNEL_SIZE = {"Bank": 1.1, "Kantor Pos": 0.8, "Perusahaan Pengiriman Uang": 1.0,
                "Dompet Digital": 0.7, "Lainnya": 0.9}

# How country names are written: the Indonesian name normally; English or ISO codes
# in a few messy files.
NAME_ID = {"TW": "Taiwan", "HK": "Hong Kong", "MY": "Malaysia", "SG": "Singapura",
           "SA": "Arab Saudi", "AE": "Uni Emirat Arab", "KR": "Korea Selatan",
           "JP": "Jepang", "BN": "Brunei Darussalam"}
NAME_EN = {"TW": "Taiwan", "HK": "Hong Kong", "MY": "Malaysia", "SG": "Singapore",
           "SA": "Saudi Arabia", "AE": "United Arab Emirates", "KR": "South Korea",
           "JP": "Japan", "BN": "Brunei"}
ISO_OF = {name: iso for iso, name in NAME_ID.items()}
QUIRK_SHARE = 0.04  # demo assumption: 4% of files carry harmless formatting quirks
# Which reports are written as real xlsx files (read back by the reader and kept as originals,
# so Riwayat can hand them out): every messy one, every report of the coordinator demo district
# (Tulungagung), each village's newest report, and this share of the rest. The others go to the
# same validation and write path as text cells, which is what makes a 30-second build possible.
FILE_SHARE = 0.02

# Officers' names are invented (common given names and family names by region).
FIRST_NAMES = {
    "java": ["Siti", "Sri", "Dwi", "Tri", "Eko", "Agus", "Budi", "Nur", "Endang", "Wahyu",
             "Rina", "Yuli", "Ani", "Heru", "Lilik", "Puji", "Dewi", "Suryani", "Ika", "Joko"],
    "52": ["Baiq", "Lalu", "Muhammad", "Hj. Siti", "Zainal", "Nurul", "Ahmad", "Rahmawati"],
    "53": ["Maria", "Yohanes", "Fransiska", "Yosef", "Agustina", "Petrus", "Katarina", "Melki"],
}
LAST_NAMES = {
    "java": ["Aminah", "Wahyuni", "Lestari", "Prasetyo", "Santoso", "Rahayu", "Hidayat",
             "Susanti", "Purnomo", "Handayani", "Setiawan", "Kusuma", "Wulandari", "Saputra",
             "Maulana", "Rohmah", "Mulyadi", "Fitriani", "Nugroho", "Astuti"],
    "52": ["Hadi", "Rahman", "Hamdani", "Nurhayati", "Fauzi", "Maliki", "Sasmita", "Azhar"],
    "53": ["Bria", "Tefa", "Nenobais", "Fanggidae", "Seran", "Manafe", "Amalo", "Kase"],
}


# --------------------------------------------------------------------------- random helpers


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, normal approximation for large)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomial draw, exact for small n, normal approximation (clamped) for large n."""
    if n <= 0 or p <= 0:
        return 0
    if n <= 40:
        return sum(rng.random() < p for _ in range(n))
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    """One key drawn with the given weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def jitter(rng: random.Random, weights: dict[str, float], spread: float) -> dict[str, float]:
    """The same weights, each multiplied by a log-normal village effect."""
    return {k: w * rng.lognormvariate(0, spread) for k, w in weights.items()}


def rupiah(x: float) -> int:
    """Whole rupiah rounded to thousands (what officers write; never a float tail)."""
    return int(round(x / 1000.0)) * 1000


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


# --------------------------------------------------------------------------- monthly figures


def placements(rng: random.Random, p: Profile, n: int) -> Counter:
    """n placements spread over (country, sector, sex)."""
    rows: Counter = Counter()
    for _ in range(n):
        country = pick(rng, p.destinations)
        sector = pick(rng, SECTORS[country])
        sex = "P" if rng.random() < WOMEN_SHARE[sector] else "L"
        rows[(country, sector, sex)] += 1
    return rows


def women_share(country: str) -> float:
    """Expected share of women among a destination's migrants."""
    return sum(w * WOMEN_SHARE[s] for s, w in SECTORS[country].items())


def returns(rng: random.Random, p: Profile, n: int) -> list[tuple[str, str, int, int]]:
    """n returnees as (country, sex, count, with problem)."""
    rows: Counter = Counter()
    for _ in range(n):
        country = pick(rng, p.destinations)
        rows[(country, "P" if rng.random() < women_share(country) else "L")] += 1
    return [(c, s, k, binomial(rng, k, p.problem_share)) for (c, s), k in sorted(rows.items())]


def channel_mix(p: Profile, period: date) -> dict[str, float]:
    """The village's channel weights this month: banks dominate, digital wallets grow."""
    # Demo assumption: each village uses banks plus one or two other channels; digital
    # wallets reach a village at its own adoption month and then take a growing share.
    mix = dict(p.channels)
    months_on = (period.year - p.wallet_from.year) * 12 + period.month - p.wallet_from.month
    if months_on >= 0:
        mix["Dompet Digital"] = min(0.35, 0.05 + 0.01 * months_on)
    return mix


def remittances(rng: random.Random, p: Profile, period: date,
                factor: float) -> list[tuple[str, str, int, int]]:
    """(country, channel, transactions, rupiah) sent home this month."""
    # Demo assumption: about 30 months' placements are abroad at any time and 60% of them
    # send money in a given month. Villages report only their main destinations.
    senders = p.rate * 30 * 0.6 * factor
    mix = channel_mix(p, period)
    total_mix = sum(mix.values())
    out = []
    for country, share in p.remit_countries.items():
        left = poisson(rng, senders * share)
        weight_left = total_mix
        for channel, w in mix.items():
            n = binomial(rng, left, w / weight_left) if weight_left > w else left
            left -= n
            weight_left -= w
            if n == 0:
                continue
            avg = REMIT_AVG[country] * CHANNEL_SIZE[channel] * rng.lognormvariate(0, 0.15)
            avg = min(9_800_000, max(1_050_000, avg))  # keep every average within Rp 1-10 juta
            out.append((country, channel, n, rupiah(n * avg)))
    return out


def pillar_values(rng: random.Random, v: Village, p: Profile, s: Stocks, i: int,
                  placed: int) -> dict[str, float | int | None]:
    """The 25 indicator values for one month; updates the stocks in place."""
    # Every rate and ratio in this function is a demo assumption, chosen to give village
    # figures of a plausible size: a few consultations and sessions a month, complaints
    # mostly resolved, stocks that drift slowly rather than jump.
    a = p.activity
    consults_m = poisson(rng, p.rate * 0.7 * a)
    consults_w = poisson(rng, p.rate * 1.3 * a)
    sessions = poisson(rng, 1.5 * a)
    suspected = poisson(rng, (0.9 if region(v.code) in ("52", "53") else 0.35) * a)
    complaints = poisson(rng, 0.8)
    resolved = binomial(rng, complaints, 0.8)
    if s.backlog and rng.random() < 0.12:
        resolved += rng.randint(1, s.backlog)  # earlier complaints closed now (L09 > L08 allowed)
    s.backlog = max(0, s.backlog + complaints - resolved)
    trainings = poisson(rng, 0.8 * a)
    new_business = poisson(rng, 0.5 * a)
    s.u05 = max(0, s.u05 + new_business - binomial(rng, s.u05, 0.01))
    s.c01 = max(0, s.c01 + poisson(rng, 0.8 + placed * 0.1) - binomial(rng, s.c01, 0.006))
    parenting = poisson(rng, 1.2 * a)
    s.k01 = max(0, s.k01 + poisson(rng, 1.5) - binomial(rng, s.k01, 0.003))
    s.k02 = max(0.0, s.k02 * 0.985 + s.k01 * p.deposit_per_member * rng.uniform(0.7, 1.2))
    loans = rupiah(poisson(rng, 2) * rng.uniform(2_000_000, 10_000_000)) if rng.random() < 0.6 else 0
    s.k04 = s.k04 * 0.94 + loans
    if s.k05_from is not None and i >= s.k05_from:
        s.k05 = 1
    values: dict[str, float | int | None] = {
        "L01": consults_m, "L02": consults_w, "L03": sessions,
        "L04": sessions * rng.randint(15, 45), "L05": binomial(rng, consults_m + consults_w, 0.4),
        "L06": suspected, "L07": binomial(rng, suspected, 0.6), "L08": complaints, "L09": resolved,
        "U01": trainings, "U02": trainings * rng.randint(5, 15), "U03": trainings * rng.randint(3, 12),
        "U04": new_business, "U05": s.u05,
        "U06": rupiah(s.u05 * p.turnover_per_business * rng.lognormvariate(0, 0.15)),
        "U07": poisson(rng, 1.5 * a),
        "C01": s.c01, "C02": binomial(rng, s.c01, p.served_share), "C03": parenting,
        "C04": parenting * rng.randint(8, 25),
        "K01": s.k01, "K02": rupiah(s.k02), "K03": loans, "K04": rupiah(s.k04), "K05": s.k05,
    }
    if not p.has_cooperative:
        values.update(dict.fromkeys(("K01", "K02", "K03", "K04", "K05")))
    for code in values:
        if values[code] is not None and rng.random() < 0.03:
            values[code] = None  # not reported this month
    return cap(values)


def cap(values: dict[str, float | int | None]) -> dict[str, float | int | None]:
    """Keep every value within its indicator's max_per_month; C02 never above C01."""
    ind = catalogue.indicators()
    out = {k: (None if x is None else min(x, type(x)(ind[k].max_per_month))) for k, x in values.items()}
    if out["C02"] is not None and (out["C01"] is None or out["C02"] > out["C01"]):
        out["C02"] = None if out["C01"] is None else out["C01"]
    return out


# --------------------------------------------------------------------------- messy but valid


def id_text(x: float, unit: str) -> str:
    """A number as an officer might type it: 1.234 or Rp 2.500.000."""
    body = f"{int(x):,}".replace(",", ".")
    return f"Rp {body}" if unit == "rupiah" and x >= 1000 else body


def messy(rng: random.Random, identity: dict, values: dict, place: list, ret: list,
          remit: list, period: date) -> None:
    """Apply one or two harmless formatting quirks, in place (a few % of files)."""
    ind = catalogue.indicators()
    # Sorted so that renaming countries (3) happens before padding them with spaces (5).
    for quirk in sorted(rng.sample(range(7), rng.randint(1, 2))):
        if quirk == 0:  # numbers as Indonesian text
            for k in rng.sample(sorted(values), 5):
                if values[k] is not None and ind[k].kind != "flag":
                    values[k] = id_text(values[k], ind[k].unit)
            for row in remit:
                row["nilai_rp"] = id_text(row["nilai_rp"], "rupiah")
        elif quirk == 1:
            identity["kode_desa"] = identity["kode_desa"].replace(".", "")
        elif quirk == 2:  # periode typed as an Excel date
            identity["periode"] = datetime(period.year, period.month, rng.choice((1, 15)))
        elif quirk == 3:  # English names or ISO codes for countries
            table = NAME_EN if rng.random() < 0.6 else {k: k for k in NAME_EN}
            for row in place:
                row["negara_tujuan"] = table[ISO_OF[row["negara_tujuan"]]]
            for row in ret + remit:
                row["negara_asal"] = table[ISO_OF[row["negara_asal"]]]
        elif quirk == 4:
            for row in place + ret:
                row["jenis_kelamin"] = {"P": "Perempuan", "L": "Laki-laki"}[row["jenis_kelamin"]]
        elif quirk == 5:  # stray and non-breaking spaces from copy and paste
            identity["nama_petugas"] = f" {identity['nama_petugas']}  "
            for row in place:
                row["negara_tujuan"] = f" {row['negara_tujuan']}\u00a0"
                row["sektor"] = f"{row['sektor']} "
        elif quirk == 6:  # the flag as 1/0, the report date as a date cell
            if values.get("K05") is not None:
                values["K05"] = 1 if values["K05"] == "ya" else 0
            identity["tanggal_lapor"] = datetime.combine(identity["tanggal_lapor"], datetime.min.time())


# --------------------------------------------------------------------------- workbooks


def village_workbooks(v: Village, months: list[date], today: date) -> list[Workbook]:
    """Simulate the village over the window and write a workbook for each reported month."""
    p = profile(v, months)
    reports = {r.index: r for r in plan(v, months, today)}
    first = next((i for i, m in enumerate(months) if m.year >= v.joined_year), len(months))
    stocks = initial_stocks(v, p, months[first], len(months)) if first < len(months) else None
    last = max(reports, default=-1)
    out = []
    for i in range(first, len(months)):
        period = months[i]
        rng = random.Random(f"{SEED}|month|{v.code}|{period:%Y-%m}")
        f = season(period)
        trend = 1 + 0.04 * (period.year - 2023)  # demo assumption: placements slowly recover
        placed = placements(rng, p, poisson(rng, p.rate * f.placements * trend))
        back = returns(rng, p, poisson(rng, p.rate * 0.8 * f.returns))
        sent = remittances(rng, p, period, f.remittances)
        values = pillar_values(rng, v, p, stocks, i, sum(placed.values()))
        report = reports.get(i)
        if report is None:
            continue  # the simulation still moves the stocks on for months never reported
        out.append(write(v, p, report, rng, values, placed, back, sent, newest=i == last))
    return out


def write(v: Village, p: Profile, r: Report, rng: random.Random, values: dict, placed: Counter,
          back: list, sent: list, newest: bool = False) -> Workbook:
    """One report's workbook (with quirks in a few % of files), as xlsx bytes or as text cells."""
    identity = {
        "kode_desa": v.code, "nama_desa": v.name, "periode": f"{r.period:%Y-%m}",
        "nama_petugas": p.officers[r.index >= p.officer_change],
        "tanggal_lapor": r.reported_on,
    }
    if values.get("K05") is not None:
        values["K05"] = "ya" if values["K05"] else "tidak"
    place = [{"negara_tujuan": NAME_ID[c], "sektor": s, "jenis_kelamin": x, "jumlah": n}
             for (c, s, x), n in sorted(placed.items())]
    ret = [{"negara_asal": NAME_ID[c], "jenis_kelamin": x, "jumlah": n, "bermasalah": b}
           for c, x, n, b in back]
    remit = [{"negara_asal": NAME_ID[c], "saluran": ch, "jumlah_transaksi": n, "nilai_rp": rp}
             for c, ch, n, rp in sent]
    quirky = rng.random() < QUIRK_SHARE
    if quirky:
        messy(rng, identity, values, place, ret, remit, r.period)
    if isinstance(identity["tanggal_lapor"], date) and not isinstance(identity["tanggal_lapor"], datetime):
        identity["tanggal_lapor"] = f"{identity['tanggal_lapor']:%Y-%m-%d}"
    name = f"Laporan_{v.code.replace('.', '')}_{v.name.replace(' ', '_')}_{r.period:%Y-%m}.xlsx"
    # A separate stream, so the choice of file or cells never changes the figures drawn.
    as_file = (quirky or newest or v.code.startswith(TULUNGAGUNG + ".")
               or random.Random(f"{SEED}|file|{v.code}|{r.period:%Y-%m}").random() < FILE_SHARE)
    if not as_file:
        return Workbook(name, b"", r.uploaded_at, template.sheet_rows(identity, values, place, ret, remit))
    buf = io.BytesIO()
    template.write_workbook(buf, identity, values, place, ret, remit, decorate=False)
    return Workbook(name, buf.getvalue(), r.uploaded_at)


def generate_task(task: tuple[list[Village], list[date], date]) -> tuple[list[Workbook], float]:
    """Pool worker: the workbooks of a group of villages, and the CPU seconds it took."""
    start = time.process_time()
    villages, months, today = task
    books = [b for v in villages for b in village_workbooks(v, months, today)]
    return books, time.process_time() - start


# --------------------------------------------------------------------------- building


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


def tasks(villages: list[Village], months: list[date], today: date) -> tuple[list[tuple], int]:
    """Village groups of about CHUNK planned workbooks each, and the planned total."""
    out, group, size, total = [], [], 0, 0
    for v in villages:
        n = len(plan(v, months, today))
        group.append(v)
        size += n
        total += n
        # The first group is small so that loading starts while the pool warms up.
        if size >= (CHUNK // 4 if not out else CHUNK):
            out.append((group, months, today))
            group, size = [], 0
    if group:
        out.append((group, months, today))
    return out, total


class NotADemoWarehouse(RuntimeError):
    """The target file holds real data; the demo builder will not touch it."""


def prepare_target(db: Path, replace: bool) -> None:
    """Refuse to overwrite real data; remove an old demo warehouse when asked to."""
    if not db.exists():
        return
    import duckdb

    from pipelines import migrations, warehouse

    try:
        con = migrations.connect(db, read_only=True)
        try:
            demo = warehouse.is_demo(con)
            used = con.execute("SELECT (SELECT count(*) FROM villages) + (SELECT count(*) FROM submissions)"
                               ).fetchall()[0][0]
            kept = kept_files(con)
        finally:
            con.close()
    except duckdb.Error as exc:  # not a Pantau warehouse at all: leave it alone
        raise NotADemoWarehouse(f"{db} bukan gudang data demo Pantau; tidak ditimpa ({exc}).") from exc
    if used and not demo:
        raise NotADemoWarehouse(f"{db} berisi data sungguhan (bukan demo); tidak ditimpa.")
    if used and not replace:
        raise FileExistsError(f"{db} sudah berisi gudang data demo; pakai --force untuk membangun ulang.")
    folder = settings.files_dir(db)
    for name in kept:
        (folder / name).unlink(missing_ok=True)
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)


def kept_files(con) -> list[str]:
    """Paths, relative to the files folder, of the original workbooks this warehouse kept."""
    # The files folder is shared by every warehouse in the same directory, so only the
    # files this demo warehouse itself recorded are removed with it: the packs listed in
    # its originals table, or (older layout) one file per checksum.
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "originals" in tables:
        return [r[0] for r in con.execute("SELECT DISTINCT pack FROM originals").fetchall()]
    return [f"{sha[:2]}/{sha}.xlsx" for (sha,) in
            con.execute("SELECT DISTINCT file_sha256 FROM submissions").fetchall()]


def start_pool(workers: int):
    """The generator's process pool (None when workers <= 0), started before the registry is loaded
    so that the workers' imports overlap with it."""
    if workers <= 0:
        return None
    # spawn, not fork: the app calling this runs threads (Streamlit, DuckDB), and forking a
    # threaded process can deadlock the child.
    from pipelines.ingest.readers import plain_main

    ctx = multiprocessing.get_context("spawn")
    with plain_main():
        pool = ctx.Pool(workers)
        pool.apply_async(int)  # the workers start (and import) while __main__ is hidden
    return pool


def generated(work: list[tuple], pool):
    """Yield (workbooks, seconds) per task, from the pool when there is one."""
    if pool is None:
        for t in work:
            yield generate_task(t)
        return
    with pool:
        yield from pool.imap(generate_task, work)


def mark_demo(con, built: bool) -> None:
    """Record in warehouse_info that this is demo data (and, at the end, when it was built)."""
    from pipelines import warehouse

    with warehouse.WRITE_LOCK:
        con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('demo', 'ya')")
        if built:
            con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('demo_built_at', ?)",
                        [datetime.now().isoformat(timespec="seconds")])


def build(db_path: str | Path, *, months: int = 36, today: date | None = None,
          progress: Progress | None = None, villages: int | None = None,
          workers: int = WORKERS, replace: bool = False,
          registry_csv: str | Path = REGISTRY_CSV) -> dict:
    """Create the demo warehouse at db_path; returns a summary with counts and timings."""
    from pipelines.ingest import load, readers, registry
    from pipelines import migrations

    t0 = time.perf_counter()
    today = today or date.today()
    db = Path(db_path)
    prepare_target(db, replace)
    report = progress or (lambda done, total, message: None)
    report(0, 1, "Menyiapkan gudang data demo")
    pool = start_pool(workers)
    con = migrations.connect(db)
    try:
        # Flagged first: a build cut short is still recognisably demo data (and may be
        # replaced); demo_built_at, written last, says the build finished.
        mark_demo(con, built=False)
        registry.load_registry(con, registry_csv)
        all_villages = read_villages(Path(registry_csv))
        chosen = subset(all_villages, villages)
        window = report_months(months, today)
        work, total = tasks(chosen, window, today)
        t_plan = time.perf_counter()
        status: Counter = Counter()
        rejections: list[str] = []
        gen_seconds = wait_seconds = load_seconds = load_cpu = 0.0
        done = 0
        report(0, total, f"Membuat {total} laporan demo untuk {len(chosen)} desa")
        stream = generated(work, pool)
        files: list[Workbook] = []  # xlsx reports held back until there are enough for the reading pool

        def load_books(books: list[Workbook]) -> None:
            nonlocal done, load_seconds, load_cpu
            t, c = time.perf_counter(), time.process_time()
            sources = [load.Source(b.name, b.data, b.uploaded_at, b.sheets) for b in books]
            results = load.load_files(con, sources, user=USER, progress=None, today=today,
                                      batch_size=max(len(sources), 1))
            for b, result in zip(books, results):
                status[result.status] += 1
                if result.status == "rejected" and len(rejections) < 5:
                    rejections.append(f"{b.name}: " + "; ".join(e.describe() for e in result.errors))
            load_seconds += time.perf_counter() - t
            load_cpu += time.process_time() - c
            done += len(books)
            report(done, total, f"{done} dari {total} laporan demo dimuat")

        def load_files_batch(books: list[Workbook]) -> None:
            # The reading pool may start a worker during this load: under Streamlit __main__ is
            # app.py, which a spawned worker would re-run (and start a build of its own).
            with readers.plain_main():
                load_books(books)

        while True:
            t = time.perf_counter()
            item = next(stream, None)
            wait_seconds += time.perf_counter() - t
            if item is None:
                break
            books, seconds = item
            gen_seconds += seconds
            files += [b for b in books if b.sheets is None]
            # Each village-month comes once, so the order of loading changes no version. The files
            # go in batches large enough for the ingest's reading pool (both cores), the cells at once.
            load_books([b for b in books if b.sheets is not None])
            if len(files) >= FILE_BATCH:
                load_files_batch(files)
                files = []
        if files:
            load_files_batch(files)
        demo_reviews(con, window, today)
        from pipelines.demo.survey import load_demo  # the generated Jambon survey (issue 13)
        load_demo(con)
        mark_demo(con, built=True)
        con.execute("CHECKPOINT")
    finally:
        con.close()
        if pool is not None:
            pool.terminate()  # finished by now; after an error, the workers are not left behind
    possible = sum(1 for v in chosen for m in window if m.year >= v.joined_year)
    summary = {
        "db": str(db), "villages": len(chosen),
        "first_period": f"{window[0]:%Y-%m}", "last_period": f"{window[-1]:%Y-%m}",
        "workbooks": done, "village_months": possible,
        "missing_share": round(1 - done / possible, 3) if possible else 0.0,
        "accepted": status["accepted"], "unchanged": status["unchanged"],
        "rejected": status["rejected"], "rejections": rejections,
        "seconds_total": round(time.perf_counter() - t0, 2),
        "seconds_setup": round(t_plan - t0, 2),
        "seconds_generate_cpu_workers": round(gen_seconds, 2),
        "seconds_waiting_for_generation": round(wait_seconds, 2),
        "seconds_load": round(load_seconds, 2),
        "seconds_load_cpu": round(load_cpu, 2),
    }
    report(total, total, "Gudang data demo siap")
    return summary


def demo_reviews(con, window: list[date], today: date) -> None:
    """A few review states for the walkthrough: three of Tulungagung's months approved and the month
    before last waiting for the reviewer; one of Ponorogo's months returned with a reason."""
    from pipelines.accounts.roles import User
    from pipelines.review import transitions
    from pipelines import warehouse
    koord = {"35.04": User("koord.tulungagung", "Koordinator", "koordinator", ("35.04",)),
             "35.02": User("koord.ponorogo", "Koordinator", "koordinator", ("35.02",))}
    reviewer = User("peninjau", "Peninjau", "peninjau")
    known = set(warehouse.query(con, "review_districts")["district_code"].to_list())

    def submit(district: str, period: date) -> None:
        villages = warehouse.query(con, "review_district_month", district=district, period=period)
        missing = {c: "petugas desa sedang cuti (demo)" for c, r in
                   villages.select("village_code", "reported").iter_rows() if not r}
        transitions.act(con, koord[district], "submit", district, period, "", missing, today=today)

    # The newest month is still being reported (its deadline is in the current month): left alone.
    # A small build (a subset of villages) may lack reports for a month: that step is then skipped.
    steps = []
    if "35.04" in known and len(window) >= 5:
        for period in window[-5:-2]:
            steps.append([("submit", "35.04", period, ""), ("approve", "35.04", period, "")])
        steps.append([("submit", "35.04", window[-2], "")])
    if "35.02" in known and len(window) >= 3:
        steps.append([("submit", "35.02", window[-3], ""),
                      ("return", "35.02", window[-3],
                       "Jumlah rujukan LTSA (L05) beberapa desa melebihi konsultasi; mohon dicek (demo).")])
    for step in steps:
        try:
            for action, district, period, reason in step:
                if action == "submit":
                    submit(district, period)
                else:
                    transitions.act(con, reviewer, action, district, period, reason, today=today)
        except transitions.Refused:
            continue


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.demo",
                                     description="Bangun gudang data demo Pantau Desmigratif.")
    parser.add_argument("--db", type=Path, default=None,
                        help="berkas gudang data (bawaan: PANTAU_DB atau data/pantau.duckdb)")
    parser.add_argument("--months", type=int, default=36, help="banyaknya bulan (bawaan 36)")
    parser.add_argument("--force", action="store_true",
                        help="bangun ulang bila berkas sudah berisi gudang data demo")
    args = parser.parse_args(argv)
    db = args.db or settings.db_path()

    def show(done: int, total: int, message: str) -> None:
        """One progress line, rewritten in place."""
        print(f"\r[{done:>6}/{total}] {message}".ljust(70), end="", flush=True)

    from pipelines.warehouse import WarehouseBusy

    try:
        summary = build(db, months=args.months, progress=show, replace=args.force)
    except (NotADemoWarehouse, FileExistsError, WarehouseBusy) as exc:
        print(f"galat: {exc}", file=sys.stderr)
        return 2
    print()
    for key, value in summary.items():
        print(f"  {key}: {value}")
    return 1 if summary["rejected"] else 0


if __name__ == "__main__":
    # Run from the importable module, not from __main__: pool workers unpickle the tasks and
    # their classes by module name, and they never see this script's __main__.
    from pipelines.demo import build as _module
    sys.exit(_module.main())
