"""The template's drop-down lists (hidden sheet Daftar) and Excel input checks, with the validator's limits."""
from __future__ import annotations

from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from pipelines import catalogue

if TYPE_CHECKING:  # only for annotations: the writer passes its formats in
    from pipelines.ingest.template import _Formats

LIST_SHEET = "Daftar"

# Destinations offered in the drop-down. Every name must be known to the validator's
# country matching (reference/countries.csv or pycountry); "Lainnya" is not a country.
COUNTRIES = (
    "Afrika Selatan", "Amerika Serikat", "Arab Saudi", "Australia", "Bahrain", "Belanda",
    "Brunei Darussalam", "Ceko", "Filipina", "Hong Kong", "Hungaria", "Inggris", "Italia",
    "Jepang", "Jerman", "Korea Selatan", "Kuwait", "Makau", "Malaysia", "Mesir", "Oman",
    "Polandia", "Prancis", "Qatar", "Rumania", "Rusia", "Selandia Baru", "Singapura",
    "Slowakia", "Spanyol", "Taiwan", "Tiongkok", "Turki", "Uni Emirat Arab", "Vietnam",
    "Yordania",
)

YA_TIDAK = ("ya", "tidak")

HEADER_NOTES = {  # what a data-sheet column holds, shown when the cell is selected
    "negara_tujuan": "Negara tujuan penempatan. Pilih dari daftar atau ketik nama negara.",
    "negara_asal": "Negara tempat bekerja. Pilih dari daftar atau ketik nama negara.",
    "sektor": "Sektor pekerjaan, pilih dari daftar.",
    "jenis_kelamin": "L = laki-laki, P = perempuan.",
    "jumlah": "Banyaknya orang (bilangan bulat).",
    "bermasalah": "Dari jumlah yang pulang, berapa orang yang pulang dengan masalah.",
    "saluran": "Saluran pengiriman uang, pilih dari daftar.",
    "jumlah_transaksi": "Banyaknya transaksi pengiriman (bilangan bulat).",
    "nilai_rp": "Total nilai kiriman dalam rupiah.",
}



def write_lists(ws: Worksheet, fmt: _Formats) -> None:
    """The hidden sheet holding the drop-down lists too long to write inline."""
    for col, (title, items) in enumerate(_lists().items()):
        ws.write_string(0, col, title, fmt.header)
        for row, item in enumerate(items, start=1):
            ws.write_string(row, col, item)
        ws.set_column(col, col, 28)
    ws.hide()


def _lists() -> dict[str, list[str]]:
    return {
        "negara": sorted(COUNTRIES),
        "sektor": catalogue.choices("sektor"),
        "jenis_kelamin": catalogue.choices("jenis_kelamin"),
        "saluran": catalogue.choices("saluran"),
        "ya_tidak": list(YA_TIDAK),
    }


def _list_source(name: str) -> str:
    """An absolute reference to one list on the hidden Daftar sheet."""
    lists = _lists()
    col = xl_col_to_name(list(lists).index(name))
    return f"={LIST_SHEET}!${col}$2:${col}${len(lists[name]) + 1}"



def value_check(ind: catalogue.Indicator) -> dict:
    """The Excel input check of one indicator's nilai cell (same ceiling as the validator)."""
    top = ind.max_per_month
    if ind.unit == "ya/tidak":
        return _pick("ya_tidak", "Isi ya atau tidak.", "stop")
    if ind.unit == "rupiah":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": top,
                "error_title": "Nilai rupiah tidak sah",
                "error_message": f"Isi angka rupiah 0 sampai {_id_number(top)}, tanpa 'Rp' dan titik."}
    return {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": int(top),
            "error_title": "Harus bilangan bulat",
            "error_message": f"Isi bilangan bulat 0 sampai {_id_number(top)} ({ind.unit})."}


def column_check(name: str, kind: str) -> dict | None:
    """The Excel input check of one data-sheet column, by its type in layout.csv."""
    note = {"input_title": name, "input_message": HEADER_NOTES.get(name, "")}
    if kind == "country":
        # A warning, not a stop: a destination missing from the list may still be typed.
        check = _pick("negara", "Negara ini tidak ada di daftar. Periksa ejaannya; "
                      "bila benar, pilih Yes/Ya untuk tetap memakainya.", "warning")
    elif kind in ("sektor", "jenis_kelamin", "saluran"):
        check = _pick(kind, f"Pilih {kind.replace('_', ' ')} dari daftar.", "stop")
    elif kind in ("count", "positive_count"):
        low = 1 if kind == "positive_count" else 0
        check = {"validate": "integer", "criteria": ">=", "value": low,
                 "error_title": "Harus bilangan bulat",
                 "error_message": f"Isi bilangan bulat {low} atau lebih."}
    elif kind == "rupiah":
        check = {"validate": "decimal", "criteria": ">=", "value": 0,
                 "error_title": "Nilai rupiah tidak sah",
                 "error_message": "Isi angka rupiah 0 atau lebih, tanpa 'Rp' dan titik."}
    else:
        return None
    return {**check, **note} if note["input_message"] else check


def _pick(list_name: str, message: str, error_type: str) -> dict:
    return {"validate": "list", "source": _list_source(list_name), "error_type": error_type,
            "error_title": "Pilihan tidak ada di daftar", "error_message": clip(message, 255)}


def _id_number(x: float) -> str:
    """A whole number with Indonesian thousands dots: 50000000000 -> 50.000.000.000."""
    return f"{int(x):,}".replace(",", ".")


def clip(text: str, limit: int) -> str:
    # Excel refuses validation messages longer than 255 characters.
    return text if len(text) <= limit else text[: limit - 1] + "…"
