"""Survey module: template round-trip, validation, versioned storage, and figures equal to scipy/pingouin."""
from __future__ import annotations

import io
import json

import numpy as np
import openpyxl
import pingouin
import pytest
from conftest import scalar
from scipy import stats

from pipelines.demo import survey as demo_survey
from pipelines.survey import __main__ as cli
from pipelines.survey import analysis, store, template, validate

A, B = "35.04.14.2011", "35.04.14.2016"
# (village, sex, age, years, income before, after, harmony b/a, participation b/a, credit, skills)
PEOPLE = [
    (A, "P", "30-40", 4, 2_000_000, 3_500_000, 3, 5, 3, 4, "ya", "ya"),
    (A, "P", "41-50", 3, 1_500_000, 2_600_000, 2, 4, 2, 4, "tidak", "ya"),
    (A, "L", "<30", 1, 2_500_000, 3_000_000, 4, 4, 3, 3, "tidak", "tidak"),
    (A, "P", ">50", 6, 1_000_000, 2_250_000, 3, 5, 2, 5, "ya", "ya"),
    (B, "L", "30-40", 5, 3_000_000, 4_100_000, 3, 4, 4, 5, "ya", "ya"),
    (B, "P", "30-40", 2, 2_200_000, 3_900_000, 2, 5, 3, 4, "tidak", "ya"),
    (B, "P", "41-50", 4, 1_800_000, 2_700_000, 4, 5, 3, 5, "tidak", "tidak"),
]
COLS = ["kode_desa", "jenis_kelamin", "kelompok_umur", "lama_di_luar_negeri_tahun", "pendapatan_sebelum",
        "pendapatan_sesudah", "harmonis_sebelum", "harmonis_sesudah", "partisipasi_sebelum",
        "partisipasi_sesudah", "akses_modal", "keterampilan_meningkat"]


def people(rows=PEOPLE) -> list[dict]:
    return [dict(zip(COLS, r), id_responden=f"R{i:03d}") for i, r in enumerate(rows, 1)]


def survey_file(rows=None) -> bytes:
    return template.template_bytes(people() if rows is None else rows)


def test_template_has_instructions_dropdowns_and_checks():
    book = openpyxl.load_workbook(io.BytesIO(template.template_bytes()))
    assert book.sheetnames == ["Petunjuk", "Responden"]
    sheet = book["Responden"]
    assert [c.value for c in sheet[1]] == ["kode_desa", "id_responden", "jenis_kelamin", "kelompok_umur",
                                          "lama_di_luar_negeri_tahun", "pendapatan_sebelum", "pendapatan_sesudah",
                                          "harmonis_sebelum", "harmonis_sesudah", "partisipasi_sebelum",
                                          "partisipasi_sesudah", "akses_modal", "keterampilan_meningkat"]
    rules = {str(dv.sqref): (dv.type, dv.formula1) for dv in sheet.data_validations.dataValidation}
    assert rules["C2:C1001"] == ("list", '"L,P"')
    assert rules["D2:D1001"] == ("list", '"<30,30-40,41-50,>50"')
    assert rules["H2:H1001"] == ("whole", "1")
    assert rules["L2:L1001"] == ("list", '"ya,tidak"')


def test_template_round_trips():
    checked = validate.check(survey_file(), {A, B})
    assert checked.errors == []
    assert checked.rows.height == 7
    assert checked.rows.row(0) == (A, "R001", "P", "30-40", 4.0, 2_000_000.0, 3_500_000.0, 3.0, 5.0, 3.0, 4.0,
                                   True, True)
    assert checked.rows["credit_access"].to_list() == [True, False, False, True, True, False, False]


def test_every_error_at_once_with_sheet_row_column():
    rows = people()
    rows[0]["jenis_kelamin"] = "X"
    rows[2]["harmonis_sesudah"] = 7
    rows[3]["kode_desa"] = "99.99.99.9999"
    rows[4]["id_responden"] = "R001"
    rows[5]["pendapatan_sebelum"] = None
    checked = validate.check(survey_file(rows), {A, B})
    assert checked.rows is None
    assert [(e.sheet, e.row, e.column) for e in checked.errors] == [
        ("Responden", 2, "jenis_kelamin"), ("Responden", 4, "harmonis_sesudah"), ("Responden", 5, "kode_desa"),
        ("Responden", 6, "id_responden"), ("Responden", 7, "pendapatan_sebelum")]
    assert checked.errors[0].message == "Isian harus salah satu dari: L, P."
    assert checked.errors[4].message == "Wajib diisi."


@pytest.mark.parametrize("nik", ["3504145607890001", 3504145607890000])
def test_a_nik_anywhere_rejects_and_is_never_stored_or_logged(con, nik):
    rows = people()
    rows[1]["id_responden"] = nik
    result = store.load(con, "Survei Uji", survey_file(rows), "uji.xlsx", "penguji")
    assert result.status == "rejected"
    assert [(e.sheet, e.row, e.value) for e in result.errors] == [("Responden", 3, "(disembunyikan)")]
    assert "NIK" in result.errors[0].message
    assert scalar(con, "SELECT count(*) FROM survey_responses") == 0
    assert scalar(con, "SELECT count(*) FROM surveys") == 0
    detail = scalar(con, "SELECT detail FROM audit_log WHERE event = 'survey_rejected'")
    assert detail == "Survei Uji · uji.xlsx · 1 galat"
    assert str(nik)[:10] not in json.dumps(result.as_json())


def test_versions_audit_and_unchanged(con):
    data = survey_file()
    first = store.load(con, "Survei Uji", data, "a.xlsx", "penguji")
    again = store.load(con, "Survei Uji", data, "a.xlsx", "penguji")
    second = store.load(con, "Survei Uji", survey_file(people(PEOPLE[:5])), "b.xlsx", "penguji")
    assert (first.status, first.version, again.status, second.status, second.version) == (
        "accepted", 1, "unchanged", "accepted", 2)
    assert con.execute("SELECT version, is_current, respondents FROM surveys ORDER BY version").fetchall() == [
        (1, False, 7), (2, True, 5)]
    assert store.responses(con, "Survei Uji").height == 5
    assert con.execute("SELECT detail FROM audit_log WHERE event = 'survey_upload' ORDER BY logged_at").fetchall() == [
        ("Survei Uji · versi 1 · 7 responden · a.xlsx",), ("Survei Uji · versi 2 · 5 responden · b.xlsx",)]


def test_figures_equal_scipy_and_pingouin(con):
    store.load(con, "Survei Uji", survey_file(), "a.xlsx", "penguji")
    result = analysis.analyse(store.responses(con, "Survei Uji"), "Survei Uji")
    arr = np.array([r[4:10] for r in PEOPLE], dtype=float)
    before, after = arr[:, 0], arr[:, 1]
    o = result["overall"]
    assert o["n"] == 7 and o["small"] is True
    assert o["income"]["mean_before"] == pytest.approx(before.mean(), abs=1e-9)
    assert o["income"]["mean_after"] == pytest.approx(after.mean(), abs=1e-9)
    assert o["income"]["change_pct"] == pytest.approx((after.mean() - before.mean()) / before.mean() * 100, abs=1e-9)
    t = stats.ttest_rel(after, before)
    w = stats.wilcoxon(after, before)
    assert (o["income"]["t"], o["income"]["p"], o["income"]["df"]) == (
        pytest.approx(t.statistic, abs=1e-9), pytest.approx(t.pvalue, abs=1e-9), 6)
    assert (o["income"]["wilcoxon_w"], o["income"]["wilcoxon_p"]) == (
        pytest.approx(w.statistic, abs=1e-9), pytest.approx(w.pvalue, abs=1e-9))
    th = stats.ttest_rel(arr[:, 3], arr[:, 2])
    assert o["harmony"]["t"] == pytest.approx(th.statistic, abs=1e-9)
    assert o["harmony"]["mean_after"] == pytest.approx(32 / 7, abs=1e-9)
    import pandas as pd
    for point, cols in (("sesudah", [3, 5]), ("sebelum", [2, 4])):  # one scale per time point, never the four mixed
        a, ci = pingouin.cronbach_alpha(data=pd.DataFrame(arr[:, cols]), ci=0.95)
        assert {k: o["cronbach_alpha"][point][k] for k in ("alpha", "ci_low", "ci_high")} == {
            "alpha": pytest.approx(a, abs=1e-9), "ci_low": pytest.approx(ci[0], abs=1e-9),
            "ci_high": pytest.approx(ci[1], abs=1e-9)}
    assert o["credit_access_share"] == pytest.approx(3 / 7, abs=1e-12)
    assert o["skills_improved_share"] == pytest.approx(5 / 7, abs=1e-12)
    [va, vb] = result["villages"]
    assert (va["village_code"], va["village_name"], va["n"], vb["n"]) == (A, "Tunggangri", 4, 3)
    assert va["income"]["mean_before"] == 1_750_000.0
    ta = stats.ttest_rel(after[:4], before[:4])
    assert va["income"]["t"] == pytest.approx(ta.statistic, abs=1e-9)
    assert result["by_sex"]["L"]["n"] == 2 and result["by_sex"]["P"]["n"] == 5
    assert result["by_sex"]["L"]["income"]["mean_after"] == 3_550_000.0
    assert [result["by_age"][g]["n"] for g in analysis.AGE_GROUPS] == [1, 3, 2, 1]
    assert result["by_age"]["<30"]["income"]["t"] is None  # one respondent: no test, null not NaN


def test_cli_template_load_analyse(tmp_path, con, capsys, store_url):
    out = tmp_path / "templat.xlsx"
    assert cli.main(["template", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames == ["Petunjuk", "Responden"]
    db = str(store_url)
    con.close()
    filled = tmp_path / "isi.xlsx"
    filled.write_bytes(survey_file())
    assert cli.main(["load", "--db", db, "--name", "Evaluasi Ponorogo 2024", str(filled)]) == 0
    bad = tmp_path / "buruk.xlsx"
    bad.write_bytes(survey_file(people()[:1] + [dict(people()[1], kelompok_umur="99")]))
    assert cli.main(["load", "--db", db, "--name", "Evaluasi Ponorogo 2024", "--json", str(bad)]) == 1
    capsys.readouterr()
    assert cli.main(["analyse", "--db", db, "--survey", "Evaluasi Ponorogo 2024", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc)[:1] == ["survey"] and {"n", "overall", "villages", "by_sex", "by_age"} <= set(doc)
    assert (doc["survey"], doc["n"], doc["villages"][0]["village_code"]) == ("Evaluasi Ponorogo 2024", 7, A)
    assert doc["by_age"]["<30"]["income"]["p"] is None
    assert list(doc["overall"]["cronbach_alpha"]) == ["sesudah", "sebelum"]
    assert doc["overall"]["cronbach_alpha"]["sebelum"]["items"] == ["harmonis_sebelum", "partisipasi_sebelum"]
    assert cli.main(["analyse", "--db", db, "--survey", "Tidak Ada"]) == 1
    assert cli.main(["analyse", "--db", str(tmp_path / "none.duckdb"), "--survey", "x"]) == 2


def test_demo_survey_agrees_with_the_study():
    rows = demo_survey.rows()
    checked = validate.check(template.template_bytes(rows), set(demo_survey.JAMBON))
    assert checked.errors == []
    frame = checked.rows.with_columns(village_name=checked.rows["village_code"])
    o = analysis.analyse(frame, demo_survey.NAME, demo=True)["overall"]
    assert o["n"] == 140 and o["women_share"] == 0.7
    assert (o["credit_access_share"], o["skills_improved_share"]) == (0.5, 0.8)
    assert round(o["harmony"]["mean_before"], 2) == 3.14 and round(o["harmony"]["mean_after"], 2) == 4.54
    assert round(o["income"]["mean_before"] / 1e6, 1) == 2.1 and round(o["income"]["mean_after"] / 1e6, 1) == 3.6
    alphas = o["cronbach_alpha"]
    assert [(p, round(a["alpha"], 2), a["ci_low"], a["ci_high"]) for p, a in alphas.items()] == [
        ("sesudah", 0.58, 0.412, 0.699), ("sebelum", 0.66, 0.529, 0.759)]
    assert sum(1 for r in rows if 3 <= r["lama_di_luar_negeri_tahun"] <= 5) == 84


def test_survey_columns_catalogue_is_complete():
    from pipelines.survey.columns import columns
    cols = columns()
    assert len(cols) == 13
    assert {c.kind for c in cols.values()} == {"village", "code", "choice", "number", "likert"}
    assert all(c.help_id and c.help_en for c in cols.values())
    assert all(c.choices for c in cols.values() if c.kind == "choice")
    assert all(c.low is not None and c.high is not None for c in cols.values() if c.kind in ("number", "likert"))
    from pipelines.survey.columns import time_points
    assert {c.time_point for c in cols.values() if c.kind == "likert"} == {"sebelum", "sesudah"}
    assert all(c.time_point == "" for c in cols.values() if c.kind != "likert")
    assert time_points() == {"sesudah": ("harmonis_sesudah", "partisipasi_sesudah"),
                             "sebelum": ("harmonis_sebelum", "partisipasi_sebelum")}


def test_cli_analyse_text_output(tmp_path, con, capsys, store_url):
    store.load(con, "Survei Uji", survey_file(), "a.xlsx", "penguji")
    con.close()
    assert cli.main(["analyse", "--db", str(store_url), "--survey", "Survei Uji"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Survei Survei Uji (n = 7)"
    assert out[1] == f"  {A} Tunggangri: n=4 pendapatan 1.750.000 -> 2.837.500 (62,1%)  (n < 10)"
    assert out[-4] == "  semua : n=7 pendapatan 2.000.000 -> 3.150.000 (57,5%)  (n < 10)"


# Eight respondents whose before items agree with each other and whose after items agree with each other,
# but whose change differs person to person: the four items mixed give 0,50, though each scale holds together.
LIKERT = {"harmonis_sebelum": [2, 3, 2, 4, 3, 2, 3, 4], "partisipasi_sebelum": [2, 3, 3, 4, 2, 2, 3, 4],
          "harmonis_sesudah": [5, 4, 4, 4, 3, 5, 3, 5], "partisipasi_sesudah": [5, 4, 5, 4, 4, 4, 3, 5]}


def _alpha(*items) -> float:
    """Cronbach's alpha by its formula: k/(k-1) * (1 - sum of item variances / variance of the sum)."""
    x = np.column_stack(items).astype(float)
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def _ci(a: float, n: int, k: int) -> tuple[float, float]:
    """The F-based 95% interval of alpha (Feldt), to 3 decimals as pingouin gives it."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return (round(1 - (1 - a) * stats.f.ppf(0.975, df1, df2), 3), round(1 - (1 - a) * stats.f.ppf(0.025, df1, df2), 3))


def test_alpha_per_time_point_with_ci_and_items_never_mixed(con, tmp_path, capsys, store_url):
    rows = [dict(p, **{c: v[i] for c, v in LIKERT.items()}) for i, p in enumerate(people(PEOPLE + PEOPLE[:1]))]
    assert store.load(con, "Survei Alfa", survey_file(rows), "alfa.xlsx", "penguji").status == "accepted"
    o = analysis.analyse(store.responses(con, "Survei Alfa"), "Survei Alfa")["overall"]
    after = _alpha(LIKERT["harmonis_sesudah"], LIKERT["partisipasi_sesudah"])
    before = _alpha(LIKERT["harmonis_sebelum"], LIKERT["partisipasi_sebelum"])
    mixed = _alpha(*LIKERT.values())
    assert (round(after, 4), round(before, 4), round(mixed, 4)) == (0.7928, 0.8857, 0.4964)
    assert (_ci(after, 8, 2), _ci(before, 8, 2)) == ((-0.035, 0.959), (0.429, 0.977))
    alphas = o["cronbach_alpha"]
    assert list(alphas) == ["sesudah", "sebelum"]  # the headline first
    assert alphas["sesudah"] == {"items": ["harmonis_sesudah", "partisipasi_sesudah"], "n": 8,
                                 "alpha": pytest.approx(after, abs=1e-12), "ci_low": -0.035, "ci_high": 0.959}
    assert alphas["sebelum"] == {"items": ["harmonis_sebelum", "partisipasi_sebelum"], "n": 8,
                                 "alpha": pytest.approx(before, abs=1e-12), "ci_low": 0.429, "ci_high": 0.977}
    # the mixed alpha is gone: no alpha of the result is the four items' 0,4964
    assert all(abs(a["alpha"] - mixed) > 0.1 for a in alphas.values()) and "alpha" not in alphas
    con.close()
    assert cli.main(["analyse", "--db", str(store_url), "--survey", "Survei Alfa"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["  alfa Cronbach sesudah (harmonis_sesudah, partisipasi_sesudah): 0,79, IK 95% -0,04 – 0,96",
                        "  alfa Cronbach sebelum (harmonis_sebelum, partisipasi_sebelum): 0,89, IK 95% 0,43 – 0,98"]
