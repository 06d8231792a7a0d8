"""Every value of the form's vocabularies has an Indonesian and an English name, as data."""
from __future__ import annotations

import csv

import polars as pl

from pipelines import catalogue, settings, vocabulary


def test_every_form_value_has_both_names():
    with open(settings.ROOT / "pipelines" / "reference" / "vocabulary.csv", encoding="utf-8", newline="") as fh:
        values = {(r["list"], r["value"]) for r in csv.DictReader(fh) if r["list"] in ("sektor", "saluran")}
    names = vocabulary.names()
    assert values <= set(names)
    assert all(n["id"] and n["en"] for n in names.values())
    kinds = {ind.kind for ind in catalogue.indicators().values()}
    units = {ind.unit for ind in catalogue.indicators().values()}
    assert {("jenis", k) for k in kinds} | {("satuan", u) for u in units} <= set(names)


def test_names_in_both_languages():
    assert vocabulary.name("sektor", "Domestik", "en") == "Domestic work"
    assert vocabulary.name("sektor", "Domestik", "id") == "Domestik"
    assert vocabulary.name("saluran", "Kantor Pos", "en") == "Post office"
    assert vocabulary.name("jenis", "flow", "id") == "arus (dijumlah per bulan)"
    assert vocabulary.name("sektor", "Baru", "en") == "Baru"
    assert vocabulary.name("sektor", None, "en") is None
    frame = pl.DataFrame({"channel": ["Bank", "Dompet Digital", "X"]})
    assert frame.select(vocabulary.column("saluran", "channel", "en"))["channel"].to_list() == [
        "Bank", "Digital wallet", "X"]
