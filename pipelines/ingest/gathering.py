"""The per-workbook pass of validation, in plain Python: headers, identity fields and raw rows (what a reader process runs)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pipelines.catalogue import DATA_SHEETS, PILLAR_SHEETS, header_key, layout
from pipelines.ingest import workbook
from pipelines.ingest.findings import Finding
from pipelines.ingest.identity import SHEET as IDENTITY
from pipelines.ingest.identity import Given, given_fields
from pipelines.ingest.workbook import RawWorkbook

# No polars and no registry here: a reader process starts on a load's first files while the
# loading process is still importing and opening the warehouse. validate.judge() does the rest.


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
    identity: dict[int, Given] = field(default_factory=dict)  # the Identitas fields, where its header was found
    pillar_rows: list[tuple] = field(default_factory=list)
    data_rows: dict[str, list[tuple]] = field(default_factory=lambda: {s: [] for s in DATA_SHEETS})
    present: list[tuple[int, str]] = field(default_factory=list)  # (wb, pillar sheet) whose rows could be read


def gather(books: list[RawWorkbook], positions: list[int] | None = None) -> Gathered:
    """The per-workbook pass: headers, identity fields and raw rows; book j is workbook positions[j] of the batch."""
    out = Gathered()
    for j, book in enumerate(books):
        wb = j if positions is None else positions[j]
        verdict = out.checked[wb] = Checked(errors=list(book.errors), reason=book.reason)
        if verdict.errors and not book.sheets:
            continue  # not an xlsx at all: nothing more to say
        _collect(wb, book, verdict, out)
    return out


def gather_files(items: list[tuple[int, bytes, bool]]) -> Gathered:
    """Read and gather files given as (position, bytes, whether the file name held a NIK): what a
    reader process sends back is this, never the cells."""
    books = workbook.read_batch([data for _, data, _ in items])
    for book, (_, _, bad_name) in zip(books, items):
        if bad_name:
            name_held_nik(book)
    return gather(books, [wb for wb, _, _ in items])


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
        out.identity.update(part.identity)
        out.pillar_rows += part.pillar_rows
        for sheet, rows in part.data_rows.items():
            out.data_rows[sheet] += rows
        out.present += part.present
    return out


def _collect(wb: int, book: RawWorkbook, verdict: Checked, out: Gathered) -> None:
    """Per workbook: find headers, keep the identity fields, and gather raw rows for the batch checks."""
    for sheet, rows in book.sheets.items():
        located = locate_header(rows, sheet)
        if isinstance(located, Finding):
            verdict.errors.append(located)
            continue
        header, cols = located
        if sheet == IDENTITY:
            out.identity[wb] = given_fields(rows, header, cols)
        elif sheet in PILLAR_SHEETS:
            out.present.append((wb, sheet))
            k, v = cols["kode"], cols["nilai"]
            for i in range(header + 1, len(rows)):
                row = rows[i]
                code, raw = _clean(row[k]), _clean(row[v])
                if code is None and raw is None:
                    continue  # blank rows are skipped
                out.pillar_rows.append((wb, sheet, i + 1, code, raw))
        else:
            names = [c for c, _, _ in layout()[sheet]]
            for i in range(header + 1, len(rows)):
                row = rows[i]
                cells = tuple(_clean(row[cols[c]]) if c in cols else None for c in names)
                if all(c is None for c in cells):
                    continue
                out.data_rows[sheet].append((wb, i + 1, *cells))
