"""Validate a batch of read workbooks against the contract: the per-workbook pass (gathering), then whole-batch checks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import polars as pl

from pipelines.catalogue import REQUIRED_SHEETS, choices, cross_checks, indicators, layout, vocabulary
from pipelines.ingest import nik, numbers
from pipelines.ingest.countries import to_iso2
from pipelines.ingest.findings import HIDDEN, Finding
from pipelines.ingest.gathering import Checked, Gathered, gather
from pipelines.ingest.identity import Village, check_identity
from pipelines.ingest.workbook import RawWorkbook

COUNT_UNITS = {"orang", "kegiatan", "kasus", "unit"}
_SHEET_ORDER = {s: i for i, s in enumerate(REQUIRED_SHEETS)}
_AVG_LOW, _AVG_HIGH = 50_000, 500_000_000  # Rp per transaction, from the contract


@dataclass
class Batch:
    """Verdicts per workbook plus the clean rows of every workbook, keyed by position `wb`."""
    checked: list[Checked]
    values: pl.DataFrame
    placements: pl.DataFrame
    returns: pl.DataFrame
    remittances: pl.DataFrame


def validate(books: list[RawWorkbook], registry: dict[str, Village], today: date,
             allowed_districts: set[str] | None = None) -> Batch:
    """Check every workbook; rows of all workbooks are checked together, table by table."""
    return judge(gather(books), registry, today, allowed_districts)


def judge(gathered: Gathered, registry: dict[str, Village], today: date,
          allowed_districts: set[str] | None = None) -> Batch:
    """The identities against the registry, then the whole-batch checks over the gathered rows;
    positions 0..n-1 must all be there."""
    checked = [gathered.checked[wb] for wb in range(len(gathered.checked))]
    for wb, given in gathered.identity.items():
        ident, verdict = check_identity(given, registry, today, allowed_districts), checked[wb]
        verdict.errors += ident.errors
        verdict.warnings += ident.warnings
        verdict.village_code, verdict.period = ident.village_code, ident.period
        verdict.officer, verdict.reported_on = ident.officer, ident.reported_on
    # The frames every rule reads are built first; the rules themselves are lazy and run in one
    # collect_all: each eager step costs a fixed few tenths of a millisecond, and there are about
    # sixty rules, which dominated a batch of a few hundred workbooks.
    pillars = _pillar_frame(gathered.pillar_rows)
    typed = {sheet: _typed(sheet, rows) for sheet, rows in gathered.data_rows.items()}
    values = pillars.lazy().filter(pl.col("csheet") == pl.col("sheet"), ~pl.col("dup")).select(
        "wb", pl.col("code").alias("indicator_code"), "value", "sheet", "row", "raw")
    placements, p_find = _placements(_valid_rows(typed["Penempatan"]))
    returns, r_find = _returns(_valid_rows(typed["Kepulangan"]))
    remittances, m_find = _remittances(_valid_rows(typed["Remitansi"]))
    rules = [*_check_pillars(pillars, gathered.present), *_check_data_sheets(typed), *_cross_checks(values),
             *p_find, *r_find, *m_find]
    found = pl.concat([frame.with_columns(error=pl.lit(severity == "error")) for severity, frame in rules])
    found, values, placements, returns, remittances = pl.collect_all(
        [found, values.select("wb", "indicator_code", "value"), placements, returns, remittances],
        engine="in-memory")
    for wb, sheet, row, column, value, message, error in found.iter_rows():
        (checked[wb].errors if error else checked[wb].warnings).append(Finding(sheet, row, column, value, message))
    for c in checked:
        c.errors = sorted(map(_scrub, c.errors), key=_order)
        c.warnings = sorted(map(_scrub, c.warnings), key=_order)
    return Batch(checked, values, placements, returns, remittances)


def _scrub(f: Finding) -> Finding:
    """Other rules may trip over a NIK cell too; their findings must not repeat the number either."""
    if nik.found(f.value) or nik.found(f.message) or nik.found(f.sheet) or nik.found(f.column):
        return Finding(f.sheet and nik.hide(f.sheet), f.row, f.column and nik.hide(f.column),
                       HIDDEN if nik.found(f.value) else f.value, nik.hide(f.message))
    return f


def _order(f: Finding) -> tuple:
    return (_SHEET_ORDER.get(f.sheet, -1), f.row or 0, f.column or "")


def _findings(frame: pl.DataFrame | pl.LazyFrame, column: str, mask: pl.Expr, message: pl.Expr | str,
              value: str | pl.Expr = "raw") -> pl.LazyFrame:
    """Rows of `frame` where mask holds, as finding rows (wb, sheet, row, column, value, message)."""
    msg = pl.lit(message) if isinstance(message, str) else message
    val = pl.col(value) if isinstance(value, str) else value
    return frame.lazy().filter(mask).select(
        pl.col("wb").cast(pl.Int32), pl.col("sheet"), pl.col("row").cast(pl.Int32),
        pl.lit(column).alias("column"), val.cast(pl.String).alias("value"), msg.alias("message"),
    )


@lru_cache(maxsize=None)  # the catalogue does not change while a process runs; a frame is never modified in place
def _catalogue_frame() -> pl.DataFrame:
    cat = list(indicators().values())
    return pl.DataFrame({
        "code": [i.code for i in cat], "csheet": [i.sheet for i in cat], "unit": [i.unit for i in cat],
        "ceiling": [i.max_per_month for i in cat], "name": [i.name_id for i in cat],
    })


def _pillar_frame(pillar_rows: list[tuple]) -> pl.DataFrame:
    raw = pl.DataFrame(pillar_rows, schema={"wb": pl.Int32, "sheet": pl.String, "row": pl.Int32,
                                            "kode": pl.String, "raw": pl.String}, orient="row")
    yes_no = vocabulary()["ya_tidak"]
    return (
        raw.with_columns(code=pl.col("kode").str.to_uppercase())
        .join(_catalogue_frame(), on="code", how="left")
        .with_columns(
            number=numbers.parse(pl.col("raw")),
            flag=pl.col("raw").str.to_lowercase().replace_strict(
                list(yes_no), [float(v) for v in yes_no.values()], default=None, return_dtype=pl.Float64),
            # A code repeated on its own sheet is a duplicate; a copy on another sheet is only misplaced.
            dup=pl.col("row").rank("ordinal").over("wb", "sheet", "code") > 1,
        )
        .with_columns(value=pl.when(pl.col("unit") == "ya/tidak").then("flag").otherwise("number"))
    )


def _check_pillars(p: pl.DataFrame, present: list[tuple[int, str]]) -> list[tuple[str, pl.LazyFrame]]:
    """Codes, values and ceilings of the four pillar sheets; missing codes as warnings."""
    count = pl.col("unit").is_in(list(COUNT_UNITS))
    known = pl.col("csheet").is_not_null() & (pl.col("csheet") == pl.col("sheet")) & ~pl.col("dup")
    has_raw = pl.col("raw").is_not_null()
    errors = pl.concat([
        _findings(p, "kode", pl.col("kode").is_null(), "Kode indikator kosong padahal nilai diisi.", "raw"),
        _findings(p, "kode", pl.col("kode").is_not_null() & pl.col("csheet").is_null(),
                  pl.format("Kode indikator tidak dikenal. Kode yang berlaku di sheet {}: lihat templat.",
                            pl.col("sheet")), "kode"),
        _findings(p, "kode", pl.col("csheet").is_not_null() & (pl.col("csheet") != pl.col("sheet")),
                  pl.format("Kode {} termasuk sheet {}, bukan sheet ini.", pl.col("code"), pl.col("csheet")),
                  "kode"),
        _findings(p, "kode", pl.col("csheet").is_not_null() & pl.col("dup"),
                  pl.format("Kode {} muncul lebih dari sekali di laporan ini.", pl.col("code")), "kode"),
        _findings(p, "nilai", known & has_raw & (pl.col("unit") == "ya/tidak") & pl.col("flag").is_null(),
                  "Isi dengan ya atau tidak (juga diterima: y/t, 1/0)."),
        _findings(p, "nilai", known & has_raw & (pl.col("unit") != "ya/tidak") & pl.col("number").is_null(),
                  "Bukan angka yang dikenali. Contoh yang benar: 1234, 1.234.567, Rp 2.500.000 atau 2.500.000,50."),
        _findings(p, "nilai", known & (pl.col("value") < 0), "Nilai tidak boleh negatif."),
        _findings(p, "nilai", known & count & (pl.col("value") >= 0) & (pl.col("value") != pl.col("value").floor()),
                  pl.format("Harus bilangan bulat ({}).", pl.col("unit"))),
        _findings(p, "nilai", known & (pl.col("value") > pl.col("ceiling")),
                  pl.format("Melebihi batas kewajaran per bulan untuk {} ({}).", pl.col("code"),
                            pl.col("ceiling").cast(pl.Int64).cast(pl.String))),
    ])
    # A missing indicator row is "not reported": a warning, and the value stays NULL.
    expected = (
        pl.LazyFrame(present, schema={"wb": pl.Int32, "sheet": pl.String}, orient="row")
        .join(_catalogue_frame().lazy().rename({"csheet": "sheet"}), on="sheet")
        .join(p.lazy().filter(known).select("wb", "code"), on=["wb", "code"], how="anti")
        .with_columns(row=pl.lit(None, pl.Int32), raw=pl.lit(None, pl.String))
    )
    missing = _findings(expected, "kode", pl.lit(True),
                        pl.format("Baris indikator {} ({}) tidak ada; dianggap tidak dilaporkan.",
                                  pl.col("code"), pl.col("name")))
    return [("error", errors), ("warning", missing)]


def _cross_checks(values: pl.LazyFrame) -> list[tuple[str, pl.LazyFrame]]:
    """Rules between two indicators of the same workbook, from reference/checks.csv."""
    out = []
    for rule in cross_checks():
        left = values.filter(pl.col("indicator_code") == rule["left"])
        right = values.filter(pl.col("indicator_code") == rule["right"]).select("wb", right="value")
        both = left.join(right, on="wb")
        op = {">": pl.col("value") > pl.col("right"), "<": pl.col("value") < pl.col("right")}[rule["op"]]
        out.append((rule["severity"], _findings(both, "nilai", op, rule["message"] + ".")))
    return out


def _typed(sheet: str, rows: list[tuple]) -> pl.DataFrame:
    """A data sheet's gathered rows (wb, row, cells...) with its name and a parsed `<column>_v` for every column."""
    cols = [c for c, _, _ in layout()[sheet]]
    schema = {"wb": pl.Int32, "row": pl.Int32, **{c: pl.String for c in cols}}
    return pl.DataFrame(rows, schema=schema, orient="row").with_columns(sheet=pl.lit(sheet), *_parsed(sheet))


@lru_cache(maxsize=None)  # built once: the country table alone is a thousand spellings
def _parsed(sheet: str) -> tuple[pl.Expr, ...]:
    """A parsed `<column>_v` for every column of a data sheet, by its type in layout.csv."""
    exprs = []
    for column, kind, _ in layout()[sheet]:
        c = pl.col(column)
        if kind == "country":
            exprs.append(to_iso2(c).alias(f"{column}_v"))
        elif kind in ("sektor", "jenis_kelamin", "saluran"):
            table = vocabulary()[kind]
            exprs.append(c.str.to_lowercase().replace_strict(list(table), list(table.values()), default=None,
                                                            return_dtype=pl.String).alias(f"{column}_v"))
        else:
            exprs.append(numbers.parse(c).alias(f"{column}_v"))
    return tuple(exprs)


_KIND_MESSAGES = {
    "country": "Negara tidak dikenali. Tulis nama negara (mis. Malaysia, Taiwan, Hong Kong, Arab Saudi) "
               "atau kode ISO dua huruf (MY).",
    "sektor": "Sektor tidak dikenali. Pilih salah satu: " + ", ".join(choices("sektor")) + ".",
    "jenis_kelamin": "Jenis kelamin harus L atau P (Laki-laki/Perempuan).",
    "saluran": "Saluran tidak dikenali. Pilih salah satu: " + ", ".join(choices("saluran")) + ".",
}


def _check_data_sheets(typed: dict[str, pl.DataFrame]) -> list[tuple[str, pl.LazyFrame]]:
    """Required cells, vocabularies and number rules of the three data sheets."""
    out = []
    for sheet, f in typed.items():
        parts = []
        for column, kind, required in layout()[sheet]:
            raw, val = pl.col(column), pl.col(f"{column}_v")
            if required:
                parts.append(_findings(f, column, raw.is_null(), "Wajib diisi.", column))
            if kind in _KIND_MESSAGES:
                parts.append(_findings(f, column, raw.is_not_null() & val.is_null(), _KIND_MESSAGES[kind], column))
                continue
            parts.append(_findings(f, column, raw.is_not_null() & val.is_null(),
                                   "Bukan angka yang dikenali. Contoh yang benar: 12, 1.234 atau Rp 2.500.000.",
                                   column))
            floor = 1 if kind == "positive_count" else 0
            parts.append(_findings(f, column, val < floor,
                                   "Harus lebih dari 0." if floor else "Tidak boleh negatif.", column))
            if kind != "rupiah":
                parts.append(_findings(f, column, (val >= floor) & (val != val.floor()),
                                       "Harus bilangan bulat.", column))
        out.append(("error", pl.concat(parts)))
    return out


def _valid_rows(f: pl.DataFrame) -> pl.LazyFrame:
    """Rows of a data sheet whose every cell parsed (rows with errors reject the workbook anyway)."""
    return f.lazy().filter(pl.all_horizontal(pl.col(c).is_not_null() for c in f.columns if c.endswith("_v")))


def _placements(f: pl.LazyFrame):
    f = f.with_columns(dup=pl.col("row").rank("ordinal").over("wb", "negara_tujuan_v", "sektor_v",
                                                               "jenis_kelamin_v") > 1)
    dup = _findings(f, "negara_tujuan", pl.col("dup"),
                    "Kombinasi negara, sektor dan jenis kelamin yang sama sudah ada di baris lain; gabungkan jumlahnya.",
                    pl.concat_str("negara_tujuan", "sektor", "jenis_kelamin", separator=" / "))
    table = f.filter(~pl.col("dup")).select(
        "wb", country_iso2="negara_tujuan_v", sector="sektor_v", sex="jenis_kelamin_v",
        count=pl.col("jumlah_v").cast(pl.Int64))
    return table, [("error", dup)]


def _returns(f: pl.LazyFrame):
    over = _findings(f, "bermasalah", pl.col("bermasalah_v") > pl.col("jumlah_v"),
                     "Jumlah bermasalah tidak boleh melebihi jumlah yang pulang.", "bermasalah")
    keys = ["wb", "negara_asal_v", "jenis_kelamin_v"]
    dup = _findings(f.with_columns(d=pl.col("row").rank("ordinal").over(keys) > 1), "negara_asal", pl.col("d"),
                    "Negara dan jenis kelamin yang sama muncul lagi; jumlahnya dijumlahkan.", "negara_asal")
    table = f.group_by(keys, maintain_order=True).agg(
        count=pl.col("jumlah_v").sum().cast(pl.Int64), with_problem=pl.col("bermasalah_v").sum().cast(pl.Int64),
    ).rename({"negara_asal_v": "country_iso2", "jenis_kelamin_v": "sex"})
    return table, [("error", over), ("warning", dup)]


def _remittances(f: pl.LazyFrame):
    avg = pl.col("nilai_rp_v") / pl.col("jumlah_transaksi_v")
    odd = _findings(
        f, "nilai_rp", (pl.col("jumlah_transaksi_v") > 0) & ((avg < _AVG_LOW) | (avg > _AVG_HIGH)),
        "Rata-rata per transaksi di luar kewajaran (Rp 50.000 sampai Rp 500.000.000); mohon diperiksa.", "nilai_rp")
    no_tx = _findings(f, "jumlah_transaksi", (pl.col("jumlah_transaksi_v") == 0) & (pl.col("nilai_rp_v") > 0),
                      "Ada nilai remitansi tetapi jumlah transaksi 0; mohon diperiksa.", "jumlah_transaksi")
    keys = ["wb", "negara_asal_v", "saluran_v"]
    dup = _findings(f.with_columns(d=pl.col("row").rank("ordinal").over(keys) > 1), "negara_asal", pl.col("d"),
                    "Negara dan saluran yang sama muncul lagi; nilainya dijumlahkan.", "negara_asal")
    table = f.group_by(keys, maintain_order=True).agg(
        transactions=pl.col("jumlah_transaksi_v").sum().cast(pl.Int64), amount_idr=pl.col("nilai_rp_v").sum(),
    ).rename({"negara_asal_v": "country_iso2", "saluran_v": "channel"})
    return table, [("warning", odd), ("warning", no_tx), ("warning", dup)]
