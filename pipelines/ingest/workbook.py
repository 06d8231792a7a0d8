"""Open an uploaded workbook safely: the zip guard, a NIK scan of every part, then every sheet as text (fastexcel)."""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field

import fastexcel

from pipelines.catalogue import REQUIRED_SHEETS, norm
from pipelines.ingest import nik
from pipelines.ingest.archive import Rejected, check_archive, open_package  # noqa: F401 - check_archive re-exported
from pipelines.ingest.findings import HIDDEN, Finding

_SHEET_BY_KEY = {norm(s): s for s in REQUIRED_SHEETS}
NIK_ADVICE = ("Laporan hanya boleh berisi angka agregat, tanpa data pribadi; hapus isian ini lalu unggah lagi.")
NIK_IN_CELL = "Ada angka yang tampak seperti NIK (16 digit). " + NIK_ADVICE
# Where else in the package a NIK can hide, by the kind of part (never the value itself).
NIK_ELSEWHERE = {
    "comment": "Ada angka yang tampak seperti NIK (16 digit) di komentar/catatan sel ini. " + NIK_ADVICE,
    "sheet": ("Ada angka yang tampak seperti NIK (16 digit) di header/footer atau bagian lain sheet ini "
              "di luar isi sel. " + NIK_ADVICE),
    "strings": ("Ada angka yang tampak seperti NIK (16 digit) di teks yang tersimpan dalam berkas "
                "(tidak tampil di sel mana pun). " + NIK_ADVICE),
    "workbook": ("Ada angka yang tampak seperti NIK (16 digit) di nama sheet atau nama terdefinisi "
                 "(Formulas > Name Manager). " + NIK_ADVICE),
    "properties": ("Ada angka yang tampak seperti NIK (16 digit) di properti dokumen (File > Info: judul, "
                   "penulis, tag, komentar). " + NIK_ADVICE),
    "other": ("Ada angka yang tampak seperti NIK (16 digit) di bagian lain berkas (kotak teks, gambar, "
              "diagram, nama bagian). " + NIK_ADVICE),
}
NIK_IN_NAME = ("Nama berkas memuat angka yang tampak seperti NIK (16 digit). Nama berkas tidak boleh berisi "
               "data pribadi; ganti namanya (mis. laporan-35.04.14.2011-2024-03.xlsx) lalu unggah lagi.")
UNREADABLE = ("Berkas xlsx tidak dapat dibaca (rusak atau dibuat tidak standar); "
              "buka di Excel, simpan ulang sebagai .xlsx, lalu unggah lagi.")

# Flattening XML to its text: formatting of a rich-text run is dropped and runs are joined (a NIK
# split over two runs is still one number); every other tag separates, so adjacent cells never join.
_RUN_FORMAT = re.compile(r"<(\w+:)?rPr\b[^>]*/>|<(\w+:)?rPr\b.*?</(\w+:)?rPr>", re.S)
_RUN_TAG = re.compile(r"</?(?:\w+:)?(?:r|t)(?:\s[^>]*)?>")
_TAG = re.compile(r"<[^>]*>")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)  # text a tag-stripper would drop whole
# Attributes that carry text a person typed: sheet and defined names, tooltips, link targets, alt text.
_TEXT_ATTR = re.compile(r"\b(?:name|tooltip|display|location|descr|title|author|userName)=\"([^\"]*)\"")
_TEXT_ATTR_NAMES = tuple(f'{a}="' for a in ("name", "tooltip", "display", "location", "descr", "title",
                                             "author", "userName"))
_COMMENT = re.compile(r"<(?:\w+:)?(?:comment|threadedComment)\b[^>]*?\bref=\"([A-Z]+)(\d+)\"[^>]*>(.*?)"
                      r"</(?:\w+:)?(?:comment|threadedComment)>", re.S)
_SHEET_ENTRY = re.compile(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]*)\"")
_REL = re.compile(r"<Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"")
_REL_REVERSED = re.compile(r"<Relationship\b[^>]*?\bTarget=\"([^\"]*)\"[^>]*?\bId=\"([^\"]*)\"")


@dataclass
class RawWorkbook:
    """Rows of each known sheet as tuples of text (row i is Excel row i + 1), the errors, and why rejected."""
    sheets: dict[str, list[tuple]] = field(default_factory=dict)
    errors: list[Finding] = field(default_factory=list)
    reason: str | None = None  # short code for the audit log when the file itself is refused (nik, corrupt, ...)


def looks_like_nik(cell: str) -> bool:
    """True when a cell's text could be a national ID number (NIK)."""
    return nik.found(cell)


def small_workbook(data: bytes, nik_message: str) -> tuple[dict[str, list[tuple]], list[Finding]]:
    """Every sheet of a small side workbook (a survey, targets) as rows of text, after the archive guard;
    a row holding a NIK-like value is a finding with nik_message (the value hidden)."""
    problem = check_archive(data)
    if problem:
        return {}, [Finding(None, None, None, None, problem)]
    try:
        reader = fastexcel.read_excel(data)
        sheets = {name.strip(): reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
                  .to_polars().rows() for name in reader.sheet_names}
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a Rust panic in the reader arrives as BaseException
        return {}, [Finding(None, None, None, None, "Berkas xlsx tidak dapat dibaca; simpan ulang dari Excel.")]
    errors = [Finding(name, i + 1, None, HIDDEN, nik_message)
              for name, rows in sheets.items() for i, row in enumerate(rows)
              if any(c is not None and looks_like_nik(c) for c in row)]
    return sheets, errors


def _file_error(message: str, reason: str) -> RawWorkbook:
    return RawWorkbook(errors=[Finding(None, None, None, None, message)], reason=reason)


def flatten(xml: str) -> str:
    """The text a person typed into an XML part: element text (runs joined) and text-bearing attributes."""
    # The literal-text checks skip a regex pass only when its pattern cannot match (both need
    # "rPr" or an attribute name followed by ="): same result, a third of the scan's time.
    cdata = ""
    if "<![CDATA[" in xml:  # a CDATA section is typed text too: kept apart, unescaped as it stands
        cdata = "\n".join(_CDATA.findall(xml))
        xml = _CDATA.sub("\n", xml)
    formatted = _RUN_FORMAT.sub("", xml) if "rPr" in xml else xml
    text = _TAG.sub("\n", _RUN_TAG.sub("", formatted))
    attrs = "\n".join(_TEXT_ATTR.findall(xml)) if any(a in xml for a in _TEXT_ATTR_NAMES) else ""
    out = text + "\n" + attrs
    return (html.unescape(out) if "&" in out else out) + ("\n" + cdata if cdata else "")


def _decode(raw: bytes) -> str:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", "replace")
    return raw.decode("utf-8", "replace")


def _kind(name: str) -> str:
    low = name.lower()
    if low.startswith("xl/worksheets/") and low.endswith(".xml") and "/_rels/" not in low:
        return "sheet"
    if "comment" in low and low.endswith(".xml") and "/_rels/" not in low:
        return "comment"
    if low == "xl/sharedstrings.xml":
        return "strings"
    if low == "xl/workbook.xml":
        return "workbook"
    if low.startswith("docprops/"):
        return "properties"
    return "other"


@dataclass
class _Scan:
    """NIK hits found in the package's parts, by part, plus the small parts that say which sheet is which."""
    hits: dict[str, str] = field(default_factory=dict)               # part -> kind
    comments: list[tuple[str, str, int]] = field(default_factory=list)  # (part, column, row)
    texts: dict[str, bytes] = field(default_factory=dict)            # workbook.xml and *.rels, for sheet names

    def sheet_names(self) -> dict[str, str]:
        """Part name -> sheet name, for worksheets and the comment parts they point to."""
        texts = {name: _decode(raw) for name, raw in self.texts.items()}  # decoded only when a NIK was found
        rels = _rels(texts.get("xl/_rels/workbook.xml.rels", ""), "xl/")
        out = {}
        for name, rid in _SHEET_ENTRY.findall(texts.get("xl/workbook.xml", "")):
            part = rels.get(rid)
            if not part:
                continue
            shown = nik.hide(html.unescape(name).strip())
            out[part] = shown
            folder, base = posixpath.split(part)
            for target in _rels(texts.get(f"{folder}/_rels/{base}.rels", ""), folder + "/").values():
                out.setdefault(target, shown)
        return out


def _rels(text: str, base: str) -> dict[str, str]:
    pairs = _REL.findall(text) or [(i, t) for t, i in _REL_REVERSED.findall(text)]
    out = {}
    for rid, target in pairs:
        target = html.unescape(target)
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[rid] = path
    return out


# A cheap first pass over a batch's parts (Rust regex, linear time) that can only say "maybe": a
# part it clears cannot hold a NIK-like number after flatten(), so only the parts it flags get the
# exact scan. It runs on ASCII parts only (any other part always gets the exact scan) and flags
# rich-text formatting and entities other than the five of XML; otherwise it is a superset of
# flatten()'s joins (digits apart by at most one separator and any run tags, here any tag starting
# with r or t after an optional prefix) and of nik's tokens: 16 digits, or at least nine before an
# exponent (fewer cannot carry a region and a birth date, even written as 3.5E+15).
_DIGIT, _SEP = "[0-9]", r"[ .,\-]?"
_JOINER = r"(?:</?(?:[^<>\s]*:)?[rt][^>]*>)*"
_STEP = f"{_JOINER}{_SEP}{_JOINER}{_DIGIT}"
_MAYBE = f"{_DIGIT}(?:{_STEP}){{15}}|{_DIGIT}(?:{_STEP}){{8,}}{_JOINER}[eE]"
_MAYBE_CELLS = f"{_DIGIT}(?:{_SEP}{_DIGIT}){{15}}|{_DIGIT}(?:{_SEP}{_DIGIT}){{8,}}[eE]"  # text, no tags
_PLAIN_ENTITY = "&(?:amp|lt|gt|quot|apos);"  # of the others, html.unescape makes &period; &comma; separators


def _maybe_nik(texts: list[str]) -> list[bool]:
    """For ASCII XML texts: False where flatten(text) cannot hold a NIK-like number, True where it may."""
    if not texts:
        return []
    import polars as pl

    s = pl.Series(texts, dtype=pl.String)
    return (s.str.contains(_MAYBE) | s.str.contains("rPr", literal=True)
            | (s.str.count_matches("&", literal=True) != s.str.count_matches(_PLAIN_ENTITY))).to_list()


def _maybe_nik_cells(texts: list[str]) -> list[bool]:
    """For cell texts (joined by newlines): False where nik.found cannot be true (ASCII texts only)."""
    if not texts:
        return []
    import polars as pl

    maybe = pl.Series(texts, dtype=pl.String).str.contains(_MAYBE_CELLS).to_list()
    return [m or not t.isascii() for m, t in zip(maybe, texts)]  # Unicode digits: always the exact scan


def _scan_parts(package, cleared: set[bytes], seen: dict[bytes, bool], names: dict[str, bool]) -> _Scan:
    """Which of the package's parts hold a NIK-like number. Parts whose bytes are in `cleared` were
    ruled out by _maybe_nik; `seen` and `names` keep the verdicts on a part's bytes and on a part
    name across files (a theme or a style sheet is the same in every file of one writer)."""
    scan = _Scan()
    for part, raw in package.contents():
        name = part.filename
        if name not in names:
            names[name] = nik.found(name)
        if names[name]:
            scan.hits[name] = "other"
        if not name.lower().endswith((".xml", ".rels", ".vml")):
            continue
        if name == "xl/workbook.xml" or name.endswith(".rels"):
            scan.texts[name] = raw
        kind = _kind(name)
        if kind == "comment" or name.lower().endswith(".vml"):  # never cleared: located comment by comment
            text = _decode(raw)
            for column, row, body in _COMMENT.findall(text):
                if nik.found(flatten(body)):
                    scan.comments.append((name, column, int(row)))
            if nik.found(flatten(_COMMENT.sub("", text))):
                scan.hits[name] = "other"
            continue
        if raw in cleared:
            continue
        if raw not in seen:
            seen[raw] = nik.found(flatten(_decode(raw)))
        if seen[raw]:
            scan.hits[name] = kind
    return scan


def read(data: bytes) -> RawWorkbook:
    """Check the package, scan every part for a NIK, then read every sheet as text."""
    return read_batch([data])[0]


# The inflated parts of a group of files are held together for the quick pass and dropped after
# the group's scan, so a batch of large workbooks never holds more than this (plus one file).
GROUP_BYTES = 32 * 1024 * 1024


def read_batch(datas: list[bytes]) -> list[RawWorkbook]:
    """read() of every file: each package is checked and inflated once (the guard's bytes are what
    the NIK scan reads), the quick NIK passes run over a group of files at once, and calamine reads
    the sheets from the same bytes."""
    out: list[RawWorkbook | None] = [None] * len(datas)
    names: dict[str, bool] = {}  # NIK verdicts on part names, which repeat across files
    group: list[tuple[int, _Inflated]] = []
    size = 0
    for i, data in enumerate(datas):
        try:
            package = _inflated(open_package(data))
        except Rejected as exc:
            out[i] = _file_error(exc.message, exc.reason)
            continue
        if group and size + package.size > GROUP_BYTES:
            _read_group(datas, group, names, out)
            group, size = [], 0
        group.append((i, package))
        size += package.size
    _read_group(datas, group, names, out)
    return out


def _read_group(datas: list[bytes], group: list[tuple[int, _Inflated]], names: dict, out: list) -> None:
    """Scan and read the group's files into out[i]; the quick passes run once over the whole group."""
    # The quick pass takes the distinct ASCII XML parts that are not comments (those are located
    # cell by cell); a part's verdict depends on its bytes only.
    quick = list({raw: None for _, pk in group for name, raw in pk.raw.items()
                  if name.lower().endswith((".xml", ".rels")) and _kind(name) != "comment" and raw.isascii()})
    cleared = {raw for raw, maybe in zip(quick, _maybe_nik([raw.decode("ascii") for raw in quick])) if not maybe}
    del quick
    seen: dict[bytes, bool] = {}
    scans = [_scan_parts(pk, cleared, seen, names) for _, pk in group]
    del cleared, seen
    group[:] = [(i, None) for i, _ in group]  # the inflated parts are no longer needed
    cells = [_load_sheets(datas[i]) for i, _ in group]
    # The cells of every sheet get a quick pass too; only the sheets it flags are scanned exactly.
    sheets = [(j, name, "\n".join(c for row in rows for c in row if c is not None))
              for j, found in enumerate(cells) if found for name, rows in found.items()]
    suspects: dict[int, set[str]] = {}
    for (j, name, _), maybe in zip(sheets, _maybe_nik_cells([text for _, _, text in sheets])):
        if maybe:
            suspects.setdefault(j, set()).add(name)
    del sheets
    for j, ((i, _), scan, found) in enumerate(zip(group, scans, cells)):
        book = _file_error(UNREADABLE, "unreadable") if found is None else from_rows(found, suspects.get(j, set()))
        if scan.hits or scan.comments:
            book.errors += _elsewhere(scan, book)
        if any(f.message.startswith("Ada angka yang tampak seperti NIK") for f in book.errors):
            book.reason = "nik"
        out[i] = book


@dataclass
class _Inflated:
    """A checked package with every part inflated (and size- and CRC-checked) by the guard."""
    parts: list
    raw: dict[str, bytes]

    @property
    def size(self) -> int:
        return sum(len(r) for r in self.raw.values())

    def contents(self):
        return ((part, self.raw[part.filename]) for part in self.parts)


def _inflated(package) -> _Inflated:
    """Every part's bytes through the guard's bounded inflate (the declared total was checked); raises Rejected."""
    return _Inflated(package.parts, {part.filename: raw for part, raw in package.contents()})


def _elsewhere(scan: _Scan, book: RawWorkbook) -> list[Finding]:
    """Findings for NIK hits outside the cells already reported row by row."""
    names = scan.sheet_names()
    in_cells = {f.sheet for f in book.errors if f.message == NIK_IN_CELL}
    out = [Finding(names.get(part), row, column, HIDDEN, NIK_ELSEWHERE["comment"])
           for part, column, row in scan.comments]
    for part, kind in scan.hits.items():
        if kind == "sheet":
            sheet = names.get(part)
            if sheet in in_cells:
                continue  # the cells of that sheet were reported row by row
            out.append(Finding(sheet, None, None, HIDDEN, NIK_ELSEWHERE["sheet"]))
        elif kind == "strings":
            if not in_cells:
                out.append(Finding(None, None, None, HIDDEN, NIK_ELSEWHERE["strings"]))
        else:
            out.append(Finding(None, None, None, HIDDEN, NIK_ELSEWHERE[kind]))
    return out


def _nik_findings(sheet: str, rows: list[tuple]) -> list[Finding]:
    """One finding per row holding a NIK-like cell; the value itself is never repeated."""
    return [
        Finding(sheet, i + 1, None, HIDDEN,
                NIK_IN_CELL)
        for i, row in enumerate(rows)
        if any(c is not None and looks_like_nik(c) for c in row)
    ]


def _load_sheets(data: bytes) -> dict[str, list[tuple]] | None:
    """Every sheet's cells as text rows, by sheet name as written; None when calamine cannot read the file."""
    try:
        reader = fastexcel.read_excel(data)
        # skip_rows=0 keeps leading empty rows so that row numbers match Excel's.
        return {name: reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars().rows()
                for name in reader.sheet_names}
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a Rust panic in the reader arrives as BaseException
        return None


def from_rows(sheets: dict[str, list[tuple]], suspects: set[str] | None = None) -> RawWorkbook:
    """The sheets' text cells (by sheet name as written) checked for a NIK and matched to the required sheets.

    `suspects`: the only sheets whose cells can hold a NIK-like number (the quick pass cleared the
    others); None checks every sheet."""
    book = RawWorkbook()
    for name, rows in sheets.items():
        shown = nik.hide(name.strip())
        if (suspects is None or name in suspects) and nik.found(
                "\n".join(c for row in rows for c in row if c is not None)):
            book.errors += _nik_findings(shown, rows)
        canonical = _SHEET_BY_KEY.get(norm(name))
        if canonical is None:
            continue  # instructions and any other extra sheet are ignored
        if canonical in book.sheets:
            book.errors.append(Finding(shown, None, None, None,
                                       f"Ada lebih dari satu sheet bernama {canonical}."))
            continue
        book.sheets[canonical] = rows
    for sheet in REQUIRED_SHEETS:
        if sheet not in book.sheets:
            book.errors.append(Finding(sheet, None, None, None,
                                       f"Sheet {sheet} tidak ditemukan; sheet ini wajib ada."))
    if any(f.message == NIK_IN_CELL for f in book.errors):
        book.reason = "nik"
    return book
