"""NIK recognition: 16-digit shape plus a plausible region and birth date; false positives kept visible."""
from __future__ import annotations

import pytest

from pipelines.ingest import nik


@pytest.mark.parametrize("text", [
    "3504145607890001",                 # woman born 16-07-1989, Kab. Tulungagung
    "3504141607890001",                 # man born 16-07-1989
    "NIK pelapor 3504145607890001",
    "3504145607890000",                 # Excel rounded it to 15 significant digits
    "3.50414560789E+15",                # ... and wrote it in scientific notation
    "3.5041456078900001E+15",
    "3504145607890000.0",
    "3504 1456 0789 0001",
    "3504-1456-0789-0001",
    "35.04.14.560789.0001",
    "350414 560789 0001",               # 6-6-4
    "3504.1456.0789.0001",
    "3504 1456 0789 0001 2024",         # grouped, and a year after it
    "NIK 3504145607890001 2024",        # a year written after it does not hide it
    "9471012902000001",                 # Papua (old code 94), born 29-02-2000
])
def test_nik_like(text):
    assert nik.found(text)
    assert "3504145607" not in nik.hide(text) and "947101" not in nik.hide(text)


@pytest.mark.parametrize("text", [
    "1234567890123456",        # province 12, but day 78 is no date
    "3504000000000000",        # sub-district 00
    "3504143202890001",        # 32 February... day 32 does not exist
    "3504141613890001",        # month 13
    "4104141607890001",        # 41 is no province
    "0.4166666666666667",      # a fraction: only the whole part could be an ID
    "3.5041456e15",            # 8 significant digits cannot carry a birth date
    "35041456078900012",       # 17 digits
    "350414560789001",         # 15 digits
    "35.04.14.2011",           # a village code
    "999.999.999.999",         # a large rupiah amount
    "laporan-35.04.14.2011-2024-03.xlsx",  # village code and month in a file name
    "35.04.14.2011 2024-03",
    "35.04.14.2011.2024.03",   # village code and month, all joined by dots: grouped 2-2-2-4-4-2, no NIK
    "3504142011-2024-03",      # 10-4-2 would read as born 20-11-1920 if grouping were ignored
])
def test_not_nik(text):
    assert not nik.found(text)
    assert nik.hide(text) == text


# False positives, kept visible: an aggregate that happens to have a NIK's shape is refused too.
@pytest.mark.parametrize("text", [
    "3504141201990005",        # Rp 3.504.141.201.990.005 would read as a man born 12-01-1999
    "1101010101010101",
    "3504142011202403",        # village code and month written with no separator at all: bare 16 digits
])
def test_known_false_positives(text):
    assert nik.found(text)


def test_province_codes_are_the_38_provinces():
    assert len(nik.provinces()) == 38
    assert {"11", "35", "52", "91", "96"} <= nik.provinces()


# The quick pass over a batch's parts may only clear a part whose flattened text holds no NIK.
@pytest.mark.parametrize("xml", [
    "<t>3504145607890001</t>",
    '<headerFooter><oddHeader>&amp;L NIK 3504 1456 0789 0001</oddHeader></headerFooter>',
    "<si><r><t>3504</t></r><r><t>1456</t></r><r><t>07890001</t></r></si>",       # split over runs
    "<si><x:r><x:t>35041456</x:t></x:r><x:r><x:t xml:space=\"preserve\">07890001</x:t></x:r></si>",
    "<c><v>3.50414560789E+15</v></c>",                                            # Excel's rounding
    '<definedName name="n3504145607890001">Sheet1!$A$1</definedName>',            # a text attribute
    "<t>&#51;504145607890001</t>",                                                # a character reference
    "<t>3504&period;1456&period;0789&period;0001</t>",                            # an HTML entity
    "<si><r><rPr><b/></rPr><t>35041456</t></r><r><t>07890001</t></r></si>",
    "<si><t><![CDATA[NIK <3504145607890001>]]></t></si>",                         # CDATA: text, not tags
])
def test_quick_pass_never_clears_a_nik(xml):
    from pipelines.ingest import workbook

    assert nik.found(workbook.flatten(xml))
    assert workbook._maybe_nik([xml]) == [True]


def test_quick_pass_flags_every_random_text_holding_a_nik():
    """Random XML-like texts: whenever flatten() finds a NIK the quick pass flags the text."""
    import random

    from pipelines.ingest import workbook

    rng = random.Random(11)
    pieces = ["3504", "1456", "0789", "0001", "35041456", "07890001", "3.50414560789", "2011", " ", ".", "-",
              ",", "<t>", "</t>",
              "<r>", "</r>", "<x:t>", "<v>", "</v>", "<c r=\"A1\">", "</c>", "E+15", "&amp;", "a", "\n",
              'name="', '"', "<rPr/>", "9", "0"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    texts += ["<c r=\"A1\"><v>12</v></c><c r=\"B1\"><v>40</v></c>", "<t>35.04.14.2011</t>", "<v>10000000</v>"]
    flags = workbook._maybe_nik(texts)
    found = [nik.found(workbook.flatten(t)) for t in texts]
    assert all(flag for flag, hit in zip(flags, found) if hit)
    assert sum(found) > 20  # the random texts do hold NIKs
    in_cells = [nik.found(t) for t in texts]  # the same texts as cell values: tags are plain text there
    assert all(flag for flag, hit in zip(workbook._maybe_nik_cells(texts), in_cells) if hit)
    assert flags[-3:] == [False, False, False]  # cell references, a village code, a large amount


@pytest.mark.parametrize("cells, maybe", [
    ("3504145607890001", True), ("NIK\n3504 1456 0789 0001", True), ("3.50414560789E+15", True),
    ("3.5041456e15", False), ("35.04.14.2011\n2024-03\n10000000", False), ("\u0663504145607890001", True),
])
def test_quick_pass_over_cells(cells, maybe):
    """Sheets whose cells the quick pass clears are not scanned again; Unicode digits always are."""
    from pipelines.ingest import workbook

    assert workbook._maybe_nik_cells([cells]) == [maybe]
