"""The demo generator's assumptions: calendar, destinations, rates, channels, names (demo data, no real statistic)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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
