"""The follow-up list: villages late or silent two months or more, with their officer and last report, as XLSX and chat text."""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from pipelines import exports, formatting, warehouse
from pipelines.metrics import calendar
from pipelines.review import quality

MIN_MONTHS = 2
BEHIND = (calendar.LATE, calendar.MISSING)  # late, or not received by the deadline
XLSX_HEADERS = {"village_code": "kode_desa", "village_name": "nama_desa", "subdistrict": "kecamatan",
                "district": "kabupaten_kota", "months_behind": "bulan_terlambat_atau_kosong",
                "last_period": "laporan_terakhir_bulan", "reported_on": "tanggal_laporan_terakhir",
                "officer": "petugas_laporan_terakhir"}


def followup(con: duckdb.DuckDBPyConnection, area: str, as_of: date, min_months: int = MIN_MONTHS) -> pl.DataFrame:
    """Villages whose newest min_months+ months up to as_of were all late or missing, most behind first.

    Columns: village_code, village_name, subdistrict, district_code, district, months_behind,
    last_period, reported_on, officer (both None when the village never reported)."""
    as_of = calendar.month_start(as_of)
    start = calendar.add_months(as_of, -35)
    # Months whose deadline is still ahead are neither late nor missing yet: left out of the run.
    status = (quality.calendar_states(con, area, start, as_of).filter(pl.col("status") != calendar.NOT_DUE)
              .sort("village_code", "period", descending=[False, True]))
    # The run of late/missing months back from the newest due month, per village.
    run = (status.with_columns(behind=pl.col("status").is_in(BEHIND))
           .group_by("village_code", maintain_order=True)
           .agg(months_behind=pl.col("behind").cum_min().sum()))
    run = run.filter(pl.col("months_behind") >= min_months)
    last = warehouse.query(con, "followup_last_reports", area=area, as_of=as_of)
    return (last.join(run, on="village_code")
            .select("village_code", "village_name", "subdistrict", "district_code", "district",
                    pl.col("months_behind").cast(pl.Int64), "last_period", "reported_on", "officer")
            .sort(["months_behind", "village_code"], descending=[True, False]))


def workbook(frame: pl.DataFrame) -> bytes:
    """The list as an XLSX (Indonesian headers; every text escaped by exports); officers only when listed."""
    return exports.to_xlsx({"tindak_lanjut": frame.drop("district_code").rename(XLSX_HEADERS, strict=False)})


def message(frame: pl.DataFrame, as_of: date, lang: str = "id") -> str:
    """A plain text to paste into a chat group: one line per village, its last report and (when listed) officer."""
    month = formatting.month(as_of, lang)
    if lang == "en":
        head = f"Follow-up of monthly Desmigratif reports (up to {month}): {frame.height} villages late or silent."
        line = "- {village} ({sub}): {n} months; last report {last} on {day}, officer {officer}"
        never = "never"
    else:
        head = (f"Tindak lanjut laporan bulanan Desmigratif (s.d. {month}): {frame.height} desa terlambat "
                "atau belum melapor.")
        line = "- {village} ({sub}): {n} bulan; laporan terakhir {last} tgl {day}, petugas {officer}"
        never = "belum pernah"
    if "officer" not in frame.columns:  # the reader may not see officer names (roles.may_see_officers)
        line = line.rsplit(",", 1)[0]
    lines = [head]
    for r in frame.iter_rows(named=True):
        lines.append(line.format(
            village=r["village_name"], sub=r["subdistrict"], n=r["months_behind"],
            last=formatting.month(r["last_period"], lang) if r["last_period"] else never,
            day=formatting.day(r["reported_on"], lang), officer=r.get("officer") or formatting.MISSING))
    return "\n".join(lines)
