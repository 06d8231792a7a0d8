"""One demo village-month as a workbook: placements, returns, remittances, pillar values and the quirks real files have."""
from __future__ import annotations

import io
import random
import time
from collections import Counter
from datetime import date, datetime

from pipelines import catalogue
from pipelines.demo import assumptions
from pipelines.demo.assumptions import (
    CHANNEL_SIZE,
    ISO_OF,
    NAME_EN,
    NAME_ID,
    REMIT_AVG,
    SECTORS,
    TULUNGAGUNG,
    WOMEN_SHARE,
    season,
)
from pipelines.demo.draws import SEED, binomial, pick, poisson, rupiah
from pipelines.demo.villages import Profile, Report, Stocks, Village, Workbook, initial_stocks, plan, profile, region
from pipelines.ingest import template

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
    quirky = rng.random() < assumptions.QUIRK_SHARE
    if quirky:
        messy(rng, identity, values, place, ret, remit, r.period)
    if isinstance(identity["tanggal_lapor"], date) and not isinstance(identity["tanggal_lapor"], datetime):
        identity["tanggal_lapor"] = f"{identity['tanggal_lapor']:%Y-%m-%d}"
    name = f"Laporan_{v.code.replace('.', '')}_{v.name.replace(' ', '_')}_{r.period:%Y-%m}.xlsx"
    # A separate stream, so the choice of file or cells never changes the figures drawn.
    as_file = (quirky or newest or v.code.startswith(TULUNGAGUNG + ".")
               or random.Random(f"{SEED}|file|{v.code}|{r.period:%Y-%m}").random() < assumptions.FILE_SHARE)
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
