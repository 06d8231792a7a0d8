"""Derive the demo village registry (data/demo/villages.csv) from idn-area-data.

Run by developers, not at app start; its output is committed. The village codes and
names come from the npm package idn-area-data 4.0.1 (Open Database License 1.0):

    npm install idn-area-data@4.0.1
    python -m pipelines.demo.demo_registry --source node_modules/idn-area-data/data

Which villages, their cohorts (tahun_bergabung) and their coordinates are DEMO
ASSUMPTIONS: the real list of Desmigratif villages is not public in machine-readable
form, so the script picks real villages in real migrant-sending districts, clustered in a
few kecamatan per district as programme villages are, and places them near an
approximate district centre. The output is the same on every run (fixed seed).
"""
from __future__ import annotations

import argparse
import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "data" / "demo" / "villages.csv"
SEED = "pantau-desmigratif-demo-registry-v1"
HEADER = ["kode_desa", "nama_desa", "kecamatan", "kabupaten", "provinsi",
          "tahun_bergabung", "lintang", "bujur", "koordinat_tepat"]

# Villages that must be in: those named in shared/domain.md, and Buraen for NTT.
KALIDAWIR = ["35.04.14.2011", "35.04.14.2016", "35.04.14.2017"]  # Tunggangri, Betak, Pagersari
JAMBON = "35.02.20"  # the Ponorogo study's five villages of Kecamatan Jambon
BURAEN = "53.01.18.1001"  # Buraen, Kabupaten Kupang (NTT)
PILOTS_2016 = ["35.04.14.2011", "35.04.14.2016"]  # demo assumption: the two 2016 pilots

# Cohort sizes from the programme's figures: 2 pilots in 2016, 402 villages by 2019,
# 51 more in 2021. The 2017/2018/2019 split is a demo assumption.
COHORTS = [(2016, 2), (2017, 120), (2018, 130), (2019, 150), (2021, 51)]
TOTAL = sum(n for _, n in COHORTS)  # 453

# District -> (number of demo villages, approximate centre lat, lon).
# DEMO ASSUMPTION: the counts spread the 453 villages over well-known migrant-sending
# districts (heaviest in East Java, Central Java, West Java; NTB exactly 24 as in the
# programme's 2021 figure). The coordinates are APPROXIMATE centres near each regency's
# capital (WGS84, from general knowledge, nudged inland for coastal capitals); they are
# not survey data, and every village gets koordinat_tepat = tidak.
DISTRICTS: dict[str, tuple[int, float, float]] = {
    # Jawa Timur (155 + 2)
    "35.04": (6, -8.07, 111.92),    # Tulungagung: few villages, see demo.py scaling note
    "35.02": (14, -7.87, 111.47),   # Ponorogo
    "35.05": (14, -8.12, 112.22),   # Blitar
    "35.07": (16, -8.13, 112.57),   # Malang (Kepanjen)
    "35.10": (12, -8.25, 114.30),   # Banyuwangi
    "35.09": (12, -8.17, 113.70),   # Jember
    "35.06": (10, -7.80, 112.05),   # Kediri
    "35.03": (8, -8.05, 111.71),    # Trenggalek
    "35.19": (8, -7.55, 111.65),    # Madiun (Caruban)
    "35.24": (8, -7.12, 112.40),    # Lamongan
    "35.20": (6, -7.65, 111.33),    # Magetan
    "35.21": (6, -7.40, 111.45),    # Ngawi
    "35.18": (6, -7.60, 111.90),    # Nganjuk
    "35.01": (5, -8.18, 111.12),    # Pacitan
    "35.08": (6, -8.13, 113.22),    # Lumajang
    "35.22": (5, -7.15, 111.88),    # Bojonegoro
    "35.23": (5, -6.93, 112.03),    # Tuban
    "35.27": (5, -7.15, 113.25),    # Sampang
    "35.26": (5, -7.05, 112.78),    # Bangkalan
    # Jawa Tengah (126 + 2)
    "33.01": (16, -7.58, 108.95),   # Cilacap
    "33.02": (10, -7.42, 109.23),   # Banyumas (Purwokerto)
    "33.24": (10, -6.98, 110.17),   # Kendal
    "33.29": (10, -6.95, 108.95),   # Brebes
    "33.15": (8, -7.09, 110.92),    # Grobogan (Purwodadi)
    "33.18": (8, -6.76, 111.04),    # Pati
    "33.07": (8, -7.36, 109.90),    # Wonosobo
    "33.05": (6, -7.67, 109.65),    # Kebumen
    "33.04": (6, -7.40, 109.69),    # Banjarnegara
    "33.03": (6, -7.39, 109.36),    # Purbalingga
    "33.28": (6, -6.98, 109.14),    # Tegal (Slawi)
    "33.27": (6, -6.95, 109.40),    # Pemalang
    "33.14": (5, -7.43, 111.02),    # Sragen
    "33.12": (5, -7.82, 110.93),    # Wonogiri
    "33.21": (5, -6.89, 110.64),    # Demak
    "33.20": (5, -6.62, 110.72),    # Jepara
    "33.09": (4, -7.53, 110.60),    # Boyolali
    "33.25": (4, -6.98, 109.80),    # Batang
    # Jawa Barat (86 + 2)
    "32.12": (16, -6.40, 108.25),   # Indramayu
    "32.09": (12, -6.76, 108.48),   # Cirebon (Sumber)
    "32.15": (10, -6.32, 107.34),   # Karawang
    "32.13": (8, -6.57, 107.76),    # Subang
    "32.02": (8, -6.98, 106.75),    # Sukabumi
    "32.03": (8, -6.82, 107.14),    # Cianjur
    "32.10": (8, -6.84, 108.23),    # Majalengka
    "32.08": (5, -6.98, 108.48),    # Kuningan
    "32.05": (5, -7.21, 107.90),    # Garut
    "32.17": (4, -6.84, 107.50),    # Bandung Barat (Ngamprah)
    "32.14": (4, -6.56, 107.44),    # Purwakarta
    # Nusa Tenggara Barat (exactly 24)
    "52.03": (8, -8.62, 116.48),    # Lombok Timur (Selong)
    "52.02": (6, -8.71, 116.27),    # Lombok Tengah (Praya)
    "52.01": (4, -8.68, 116.14),    # Lombok Barat (Gerung)
    "52.08": (2, -8.38, 116.20),    # Lombok Utara (Tanjung)
    "52.04": (2, -8.55, 117.42),    # Sumbawa (Sumbawa Besar)
    "52.05": (1, -8.54, 118.46),    # Dompu
    "52.06": (1, -8.60, 118.72),    # Bima (Woha)
    # Nusa Tenggara Timur (19)
    "53.01": (5, -10.10, 123.85),   # Kupang (between Oelamasi and Amarasi)
    "53.02": (4, -9.86, 124.28),    # Timor Tengah Selatan (Soe)
    "53.03": (2, -9.45, 124.48),    # Timor Tengah Utara (Kefamenanu)
    "53.04": (2, -9.11, 124.89),    # Belu (Atambua)
    "53.21": (2, -9.52, 124.90),    # Malaka (Betun)
    "53.07": (2, -8.65, 122.22),    # Sikka (Maumere)
    "53.06": (2, -8.32, 122.95),    # Flores Timur (Larantuka)
    # Lampung (25)
    "18.07": (6, -5.08, 105.55),    # Lampung Timur (Sukadana)
    "18.02": (5, -4.97, 105.22),    # Lampung Tengah (Gunung Sugih)
    "18.01": (4, -5.65, 105.55),    # Lampung Selatan (Kalianda)
    "18.10": (3, -5.36, 104.97),    # Pringsewu
    "18.06": (3, -5.40, 104.70),    # Tanggamus (Kota Agung)
    "18.08": (2, -4.43, 104.55),    # Way Kanan (Blambangan Umpu)
    "18.09": (2, -5.40, 105.08),    # Pesawaran (Gedong Tataan)
    # A few other provinces (12)
    "36.04": (2, -6.15, 106.12),    # Serang, Banten
    "36.02": (2, -6.36, 106.25),    # Lebak (Rangkasbitung), Banten
    "12.09": (2, 2.98, 99.62),      # Asahan (Kisaran), Sumatera Utara
    "73.08": (2, -4.55, 120.25),    # Bone (Watampone), Sulawesi Selatan
    "61.01": (2, 1.36, 109.32),     # Sambas, Kalimantan Barat
    "51.08": (2, -8.18, 115.10),    # Buleleng (Singaraja), Bali
}

# Demo assumption: provinces that sent migrants earlier and in larger numbers joined the
# programme earlier; smaller is earlier (added to a random cluster score).
COHORT_BIAS = {"35": 0.0, "33": 0.15, "32": 0.25, "18": 0.45, "52": 0.6, "53": 0.7}
OTHER_BIAS = 0.8

KM_PER_DEG = 111.32


@dataclass
class Area:
    """The idn-area-data tables this script needs."""
    provinces: dict[str, str]
    regencies: dict[str, str]
    districts: dict[str, str]            # kecamatan code -> name
    kecamatan_of: dict[str, list[str]]   # regency code -> kecamatan codes
    villages: dict[str, str]             # village code -> name
    villages_of: dict[str, list[str]]    # kecamatan code -> village codes


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of one idn-area-data CSV file."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_area(source: Path) -> Area:
    """Load provinces, regencies, kecamatan and villages from the data folder."""
    area = Area({}, {}, {}, {}, {}, {})
    for r in read_csv(source / "provinces.csv"):
        area.provinces[r["code"]] = r["name"]
    for r in read_csv(source / "regencies.csv"):
        area.regencies[r["code"]] = r["name"]
    for r in read_csv(source / "districts.csv"):
        area.districts[r["code"]] = r["name"]
        area.kecamatan_of.setdefault(r["regency_code"], []).append(r["code"])
    for r in read_csv(source / "villages.csv"):
        area.villages[r["code"]] = r["name"]
        area.villages_of.setdefault(r["district_code"], []).append(r["code"])
    return area


def pickable(area: Area, kec: str) -> list[str]:
    """Rural villages (desa, code 2xxx) of a kecamatan with plain names, sorted."""
    # Desmigratif is a desa programme; names with quote marks in the source (such as
    # 'Soka"an') are skipped only to keep the demo CSV simple to read.
    return sorted(c for c in area.villages_of.get(kec, [])
                  if c.split(".")[3].startswith("2") and '"' not in area.villages[c])


def cluster_sizes(rng: random.Random, n: int) -> list[int]:
    """Split n villages into clusters of 2-5 (programme villages come in groups)."""
    sizes = []
    while n > 0:
        size = min(n, rng.randint(3, 5))
        if n - size == 1:  # avoid a lone village left over
            size += 1
        sizes.append(size)
        n -= size
    return sizes


def forced_clusters(area: Area, rng: random.Random) -> dict[str, list[str]]:
    """Kecamatan -> villages that must be in the registry."""
    jambon = rng.sample(pickable(area, JAMBON), 5)
    return {
        "35.04.14": list(KALIDAWIR),
        JAMBON: sorted(jambon),
        "53.01.18": [BURAEN],
    }


def choose_villages(area: Area, rng: random.Random) -> dict[str, list[str]]:
    """Kecamatan -> chosen village codes, for every district in DISTRICTS."""
    chosen = forced_clusters(area, rng)
    for regency, (n, _, _) in DISTRICTS.items():
        already = [k for k in chosen if k.startswith(regency + ".")]
        n -= sum(len(chosen[k]) for k in already)
        if already == ["53.01.18"] and n > 0:
            # Buraen's kecamatan gets a neighbour or two, as a cluster would.
            extra = [c for c in pickable(area, "53.01.18") if c not in chosen["53.01.18"]]
            add = rng.sample(extra, min(2, len(extra), n))
            chosen["53.01.18"] = sorted(chosen["53.01.18"] + add)
            n -= len(add)
        candidates = [k for k in sorted(area.kecamatan_of[regency])
                      if k not in chosen and len(pickable(area, k)) >= 8]
        sizes = cluster_sizes(rng, n)
        for kec, size in zip(rng.sample(candidates, len(sizes)), sizes):
            chosen[kec] = sorted(rng.sample(pickable(area, kec), size))
    return chosen


def assign_cohorts(chosen: dict[str, list[str]], rng: random.Random) -> dict[str, int]:
    """Village code -> tahun_bergabung, with the exact cohort sizes in COHORTS."""
    scores: dict[str, float] = {}
    for kec in sorted(chosen):
        bias = COHORT_BIAS.get(kec[:2], OTHER_BIAS)
        if kec in ("35.04.14", JAMBON):
            bias = -1.0  # the model areas named in the sources joined early
        cluster = bias + rng.random()
        for code in chosen[kec]:
            scores[code] = cluster + 0.15 * rng.random()
    order = PILOTS_2016 + sorted((c for c in scores if c not in PILOTS_2016),
                                 key=lambda c: (scores[c], c))
    years: dict[str, int] = {}
    start = 0
    for year, count in COHORTS:
        for code in order[start:start + count]:
            years[code] = year
        start += count
    return years


def offset(lat: float, lon: float, rng: random.Random, km_min: float,
           km_max: float) -> tuple[float, float]:
    """A point a random distance (km_min..km_max) and bearing away from (lat, lon)."""
    angle = rng.uniform(0, 2 * math.pi)
    km = rng.uniform(km_min, km_max)
    dlat = km * math.sin(angle) / KM_PER_DEG
    dlon = km * math.cos(angle) / (KM_PER_DEG * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def coordinates(code: str) -> tuple[float, float]:
    """Approximate village point: district centre + kecamatan offset + village offset."""
    _, lat, lon = DISTRICTS[code[:5]]
    # Seeded by the code itself so a village keeps its point whatever else is chosen.
    lat, lon = offset(lat, lon, random.Random(f"{SEED}|kec|{code[:8]}"), 2.0, 9.0)
    lat, lon = offset(lat, lon, random.Random(f"{SEED}|desa|{code}"), 0.5, 2.5)
    return round(lat, 5), round(lon, 5)


def check_point(code: str, lat: float, lon: float) -> None:
    """Fail unless the point is in Indonesia and within ~12 km of its district centre."""
    if not (-11 <= lat <= 6 and 95 <= lon <= 141):
        raise ValueError(f"{code}: ({lat}, {lon}) is outside Indonesia")
    _, clat, clon = DISTRICTS[code[:5]]
    km = math.hypot((lat - clat) * KM_PER_DEG,
                    (lon - clon) * KM_PER_DEG * math.cos(math.radians(clat)))
    if km > 12:
        raise ValueError(f"{code}: {km:.1f} km from its district centre")


def build_rows(area: Area) -> list[dict[str, str]]:
    """The registry rows, sorted by village code."""
    if sum(n for n, _, _ in DISTRICTS.values()) != TOTAL:
        raise ValueError("DISTRICTS counts must add up to the cohort total")
    rng = random.Random(SEED)
    chosen = choose_villages(area, rng)
    years = assign_cohorts(chosen, rng)
    rows = []
    for code in sorted(years):
        lat, lon = coordinates(code)
        check_point(code, lat, lon)
        rows.append({
            "kode_desa": code,
            "nama_desa": area.villages[code],
            "kecamatan": area.districts[code[:8]],
            "kabupaten": area.regencies[code[:5]],
            "provinsi": area.provinces[code[:2]],
            "tahun_bergabung": str(years[code]),
            "lintang": f"{lat:.5f}",
            "bujur": f"{lon:.5f}",
            "koordinat_tepat": "tidak",
        })
    if len(rows) != TOTAL or sum(r["provinsi"] == area.provinces["52"] for r in rows) != 24:
        raise ValueError("registry must hold 453 villages, 24 of them in NTB")
    return rows


def write_rows(rows: list[dict[str, str]], out: Path) -> None:
    """Write the registry CSV with the spec's header."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    """Command line: derive the registry and write it."""
    parser = argparse.ArgumentParser(
        description="Derive the demo village registry from idn-area-data "
                    "(install it with: npm install idn-area-data@4.0.1).")
    parser.add_argument("--source", required=True, type=Path,
                        help="the package's data folder, e.g. node_modules/idn-area-data/data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output CSV (default {DEFAULT_OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    rows = build_rows(read_area(args.source))
    write_rows(rows, args.out)
    by_year: dict[str, int] = {}
    for r in rows:
        by_year[r["tahun_bergabung"]] = by_year.get(r["tahun_bergabung"], 0) + 1
    print(f"{len(rows)} villages written to {args.out}; cohorts {dict(sorted(by_year.items()))}")


if __name__ == "__main__":
    main()
