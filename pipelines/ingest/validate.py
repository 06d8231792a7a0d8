"""Validate a batch of read workbooks against the contract: a per-workbook gathering pass, then whole-batch polars expressions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import polars as pl

from pipelines.ingest import numbers
from pipelines.catalogue import (DATA_SHEETS, PILLAR_SHEETS, REQUIRED_SHEETS, choices, cross_checks,
                                 header_key, indicators, layout, vocabulary)
from pipelines.ingest.countries import to_iso2
from pipelines.ingest.findings import HIDDEN, Finding
from pipelines.ingest.identity import SHEET as IDENTITY, Village, read_identity
from pipelines.ingest import nik
from pipelines.ingest import workbook
from pipelines.ingest.workbook import RawWorkbook

COUNT_UNITS = {"orang", "kegiatan", "kasus", "unit"}
_SHEET_ORDER = {s: i for i, s in enumerate(REQUIRED_SHEETS)}
_AVG_LOW, _AVG_HIGH = 50_000, 500_000_000  # Rp per transaction, from the contract


@dataclass
class Checked:
    """The verdict on one workbook and its identity."""
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    village_code: str | None = None
    period: date | None = None
    officer: str | None = None
    reported_on: date | None = None
    reason: str | None = None  # why the file itself was refused (nik, unreadable, ...), for the audit log

    @property
    def accepted(self) -> bool:
        return not self.errors


@dataclass
class Batch:
    """Verdicts per workbook plus the clean rows of every workbook, keyed by position `wb`."""
    checked: list[Checked]
    values: pl.DataFrame
    placements: pl.DataFrame
    returns: pl.DataFrame
    remittances: pl.DataFrame


@lru_cache(maxsize=65536)  # cell texts repeat a lot across a batch (codes, small numbers)
def _clean(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("\u00a0", " ").split())
    return text or None


@lru_cache(maxsize=None)
def _header_columns(sheet: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sheet's expected and required header columns, in template order (asked for by every workbook)."""
    return tuple(c for c, _, _ in layout()[sheet]), tuple(c for c, _, req in layout()[sheet] if req)


def locate_header(rows: list[tuple], sheet: str) -> tuple[int, dict[str, int]] | Finding:
    """The header row (first match within ten rows) and column positions, or why not found."""
    expected, required = _header_columns(sheet)
    best: tuple[int, dict[str, int]] | None = None
    for i, row in enumerate(rows[:10]):
        seen = {header_key(c): j for j, c in enumerate(row) if c is not None}
        found = {c: seen[c] for c in expected if c in seen}
        if all(c in found for c in required):
            return i, found
        if found and (best is None or len(found) > len(best[1])):
            best = (i, found)
    if best is None:
        return Finding(sheet, None, None, None,
                       "Baris judul kolom tidak ditemukan di 10 baris pertama; judul yang diharapkan: "
                       + " | ".join(expected) + ".")
    missing = [c for c in required if c not in best[1]]
    return Finding(sheet, best[0] + 1, ", ".join(missing), None,
                   "Kolom wajib tidak ada di baris judul: " + ", ".join(missing)
                   + ". Judul yang diharapkan: " + " | ".join(expected) + ".")


@dataclass
class Gathered:
    """What the per-workbook pass found: the verdicts so far and the raw rows for the batch checks.

    Rows carry their workbook's position `wb` in the whole batch, so the parts gathered by several
    processes are simply put together (merge); the cells themselves are no longer needed."""
    checked: dict[int, Checked] = field(default_factory=dict)
    pillar_rows: list[tuple] = field(default_factory=list)
    data_rows: dict[str, list[tuple]] = field(default_factory=lambda: {s: [] for s in DATA_SHEETS})
    present: list[tuple[int, str]] = field(default_factory=list)  # (wb, pillar sheet) whose rows could be read


def validate(books: list[RawWorkbook], registry: dict[str, Village], today: date,
             allowed_districts: set[str] | None = None) -> Batch:
    """Check every workbook; rows of all workbooks are checked together, table by table."""
    return judge(gather(books, registry, today, allowed_districts))


def gather(books: list[RawWorkbook], registry: dict[str, Village], today: date,
           allowed_districts: set[str] | None = None, positions: list[int] | None = None) -> Gathered:
    """The per-workbook pass: headers, identity and raw rows; book j is workbook positions[j] of the batch."""
    out = Gathered()
    for j, book in enumerate(books):
        wb = j if positions is None else positions[j]
        verdict = out.checked[wb] = Checked(errors=list(book.errors), reason=book.reason)
        if verdict.errors and not book.sheets:
            continue  # not an xlsx at all: nothing more to say
        _collect(wb, book, verdict, registry, today, allowed_districts, out.pillar_rows, out.data_rows, out.present)
    return out


def gather_files(items: list[tuple[int, bytes, bool]], registry: dict[str, Village], today: date,
                 allowed_districts: set[str] | None = None) -> Gathered:
    """Read and gather files given as (position, bytes, whether the file name held a NIK): what a
    reader process sends back is this, never the cells."""
    books = workbook.read_batch([data for _, data, _ in items])
    for book, (_, _, bad_name) in zip(books, items):
        if bad_name:
            name_held_nik(book)
    return gather(books, registry, today, allowed_districts, [wb for wb, _, _ in items])


def name_held_nik(book: RawWorkbook) -> None:
    """Refuse a workbook whose file name held a NIK: the name is never kept, shown or logged."""
    book.errors.insert(0, Finding(None, None, None, None, workbook.NIK_IN_NAME))
    book.reason = "nik_file_name"


def merge(parts: list[Gathered]) -> Gathered:
    """The parts of one batch (disjoint positions) as one."""
    if len(parts) == 1:
        return parts[0]
    out = Gathered()
    for part in parts:
        out.checked.update(part.checked)
        out.pillar_rows += part.pillar_rows
        for sheet, rows in part.data_rows.items():
            out.data_rows[sheet] += rows
        out.present += part.present
    return out


def judge(gathered: Gathered) -> Batch:
    """The whole-batch checks over the gathered rows; positions 0..n-1 must all be there."""
    checked = [gathered.checked[wb] for wb in range(len(gathered.checked))]
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


def _collect(wb: int, book: RawWorkbook, verdict: Checked, registry, today, allowed, pillar_rows,
             data_rows, present) -> None:
    """Per workbook: find headers, read the identity, and gather raw rows for the batch checks."""
    for sheet, rows in book.sheets.items():
        located = locate_header(rows, sheet)
        if isinstance(located, Finding):
            verdict.errors.append(located)
            continue
        header, cols = located
        if sheet == IDENTITY:
            ident = read_identity(rows, header, cols, registry, today, allowed)
            verdict.errors += ident.errors
            verdict.warnings += ident.warnings
            verdict.village_code, verdict.period = ident.village_code, ident.period
            verdict.officer, verdict.reported_on = ident.officer, ident.reported_on
        elif sheet in PILLAR_SHEETS:
            present.append((wb, sheet))
            k, v = cols["kode"], cols["nilai"]
            for i in range(header + 1, len(rows)):
                row = rows[i]
                code, raw = _clean(row[k]), _clean(row[v])
                if code is None and raw is None:
                    continue  # blank rows are skipped
                pillar_rows.append((wb, sheet, i + 1, code, raw))
        else:
            names = [c for c, _, _ in layout()[sheet]]
            for i in range(header + 1, len(rows)):
                row = rows[i]
                cells = tuple(_clean(row[cols[c]]) if c in cols else None for c in names)
                if all(c is None for c in cells):
                    continue
                data_rows[sheet].append((wb, i + 1, *cells))


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
