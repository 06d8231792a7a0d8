"""Data-quality desk: each rule on hand-made data, completeness, consistency, scores, follow-up list."""
from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.accounts.roles import User
from pipelines.review import followup, quality
from pipelines.views.selection import Selection
from tests.conftest import good_identity, good_values, make_workbook

T, B = "35.04.14.2011", "35.04.14.2016"
KOORD = User("koord.ta", "Koordinator Tulungagung", "koordinator", ("35.04",))


def wb(code, month, reported_on=None, officer="Siti Aminah", **values):
    name = {T: "Tunggangri", B: "Betak"}[code]
    y, m = month.split("-")
    nxt = f"{int(y) + int(m) // 12}-{int(m) % 12 + 1:02d}-05"
    return make_workbook(identity=good_identity(kode_desa=code, nama_desa=name, periode=month,
                                                tanggal_lapor=reported_on or nxt, nama_petugas=officer),
                         values=good_values() | values)


def load(ingest, *books):
    results = ingest({f"{i}.xlsx": b for i, b in enumerate(books)}, today=date(2026, 12, 1))
    assert [r.status for r in results] == ["accepted"] * len(books), [r.errors for r in results]


def found(con, start, end, rule):
    frame = quality.findings(con, "35.04", start, end).filter(pl.col("rule") == rule)
    return frame.select("village_code", "period", "indicator", "value", "expected").rows()


def test_the_rules_are_data_with_help():
    rules = quality.rules()
    assert list(rules) == ["KS01", "KS02", "KS03", "KS04", "T01", "T02", "O01", "S01"]
    assert all(r.kind in quality.KINDS and r.help_id and r.help_en for r in rules.values())
    assert rules["KS03"].right == ("L01", "L02")


def test_quarterly_le_rule_sums_the_quarter(con, ingest):
    # L09 > L08 in January alone (3 > 1), but over the quarter 3+0 <= 1+4: no finding; Betak 5 > 4 is one
    load(ingest, wb(T, "2024-01", L08=1, L09=3), wb(T, "2024-02", L08=4, L09=0),
         wb(B, "2024-01", L08=4, L09=5))
    assert found(con, date(2024, 1, 1), date(2024, 3, 1), "KS01") == [(B, date(2024, 1, 1), "L09", 5.0, 4.0)]


def test_le_rule_with_a_sum_on_the_right(con, ingest):
    load(ingest, wb(T, "2024-04", L01=1, L02=1, L05=3), wb(B, "2024-04", L01=1, L02=2, L05=3))
    assert found(con, date(2024, 4, 1), date(2024, 4, 1), "KS03") == [(T, date(2024, 4, 1), "L05", 3.0, 2.0)]


def test_le_rule_on_l07_l06(con, ingest):
    load(ingest, wb(T, "2024-04", L06=1, L07=2))
    assert found(con, date(2024, 4, 1), date(2024, 6, 1), "KS02") == [(T, date(2024, 4, 1), "L07", 2.0, 1.0)]


def test_trainees_without_a_training_session(con, ingest):
    load(ingest, wb(T, "2024-04", U01=0, U02=3, U03=1), wb(B, "2024-04", U01=1, U02=3, U03=1),
         wb(T, "2024-05", U01=0, U02=0, U03=0))
    assert found(con, date(2024, 4, 1), date(2024, 5, 1), "KS04") == [(T, date(2024, 4, 1), "U02+U03", 4.0, 0.0)]


def test_consistency_over_time_against_earlier_years(con, ingest):
    # March: 2022 20, 2023 30 (mean 25); 2024 34 is +36 % (flagged); 33 would be +32 % (not)
    load(ingest, wb(T, "2022-03", L01=10, L02=10), wb(T, "2023-03", L01=15, L02=15), wb(T, "2024-03", L01=17, L02=17))
    assert found(con, date(2024, 3, 1), date(2024, 3, 1), "T01") == [("35.04", date(2024, 3, 1), "L01+L02", 34.0, 25.0)]
    assert found(con, date(2023, 3, 1), date(2023, 3, 1), "T01") == [("35.04", date(2023, 3, 1), "L01+L02", 30.0, 20.0)]


def test_no_over_time_finding_within_33_percent(con, ingest):
    load(ingest, wb(T, "2023-03", L01=15, L02=15), wb(T, "2024-03", L01=20, L02=19))
    assert found(con, date(2024, 3, 1), date(2024, 3, 1), "T01") == []


def test_outliers_by_the_metric_layers_rule(con, ingest):
    # the rule of pipelines/metrics/outliers.py (as on Pilar): each month against the village's previous months.
    # L04 10,12,11,13,12,11 then 40: median 11.5, MAD 1, z = 0.6745*28.5 = 19.2 -> flagged
    history = [10, 12, 11, 13, 12, 11]
    books = [wb(T, f"2024-{m:02d}", L04=v) for m, v in zip(range(1, 7), history)]
    books.append(wb(T, "2024-07", L04=40))
    # Betak: the same shape at small numbers (1,2,1,2,1,2 then 8): median 1.5, MAD 0.5, 6.5 off, z = 8.8 -> flagged
    # (the desk's former 'values below 10 are never flagged' is gone: Pilar flagged it, now both do)
    books += [wb(B, f"2024-{m:02d}", L04=v) for m, v in zip(range(1, 7), [1, 2, 1, 2, 1, 2])]
    books.append(wb(B, "2024-07", L04=8))
    load(ingest, *books)
    rows = [r for r in found(con, date(2024, 7, 1), date(2024, 7, 1), "O01") if r[2] == "L04"]
    assert rows == [(T, date(2024, 7, 1), "L04", 40.0, 11.5), (B, date(2024, 7, 1), "L04", 8.0, 1.5)]


def test_outliers_at_most_three_units_off_are_not_flagged(con, ingest):
    # history 9,10,10,10,11,11: median 10, MAD 0.5. 13 is z = 0.6745*3/0.5 = 4.05 but only 3 units off: not
    # flagged; 14 (4 off, z = 5.4) is
    for code, last in ((B, 13), (T, 14)):
        load(ingest, *[wb(code, f"2024-{m:02d}", L04=v) for m, v in zip(range(1, 7), [9, 10, 10, 10, 11, 11])],
             wb(code, "2024-07", L04=last))
    rows = [r for r in found(con, date(2024, 7, 1), date(2024, 7, 1), "O01") if r[2] == "L04"]
    assert rows == [(T, date(2024, 7, 1), "L04", 14.0, 10.0)]


def test_outliers_need_six_months_of_history(con, ingest):
    load(ingest, *[wb(T, f"2024-{m:02d}", L04=v) for m, v in zip(range(1, 6), [10, 12, 11, 13, 40])])
    assert [r for r in found(con, date(2024, 5, 1), date(2024, 5, 1), "O01") if r[2] == "L04"] == []


def test_marking_a_finding_checked_is_audited_and_closes_it(con, ingest):
    load(ingest, wb(T, "2024-04", L06=1, L07=2))
    [fid] = quality.findings(con, "35.04", date(2024, 4, 1), date(2024, 4, 1)).filter(
        pl.col("rule") == "KS02")["finding_id"].to_list()
    assert fid == "KS02|35.04.14.2011|2024-04|L07"
    assert fid in quality.open_findings(con, "35.04", date(2024, 4, 1))
    quality.mark_checked(con, KOORD, fid, "dua keberangkatan dicegah dari indikasi bulan Maret")
    assert fid not in quality.open_findings(con, "35.04", date(2024, 4, 1))
    assert con.sql("SELECT username, event, detail FROM audit_log WHERE event = 'quality_checked'").fetchall() == [
        ("koord.ta", "quality_checked", f"{fid}: dua keberangkatan dicegah dari indikasi bulan Maret")]


def test_completeness_timeliness_and_consistently_reporting(con, ingest):
    # Tunggangri reports Jan (on time) and Feb (late, 20 March); Betak only Jan (on time); March: nobody
    load(ingest, wb(T, "2024-01"), wb(T, "2024-02", reported_on="2024-03-20"), wb(B, "2024-01"))
    [row] = quality.district_summary(con, "35.04", date(2024, 1, 1), date(2024, 2, 1)).to_dicts()
    # timeliness is the catalogue's (on time / expected, as on Kelengkapan); on time / received has its own key
    assert row == {"district_code": "35.04", "reports_expected": 4, "not_yet_due": 0, "reported": 3, "on_time": 2,
                   "completeness": 0.75, "timeliness": 0.5, "on_time_share_received": 2 / 3,
                   "villages_any": 2, "villages_every": 1, "consistently": 0.5}


def test_village_scores(con, ingest):
    load(ingest, wb(T, "2024-01", L06=1, L07=2), wb(T, "2024-02"), wb(B, "2024-01"))
    scores = quality.village_scores(con, "35.04", date(2024, 1, 1), date(2024, 2, 1))
    assert scores.select("village_code", "due", "reported", "open_findings", "score").rows() == [
        (T, 2, 2, 1, 90.0), (B, 2, 1, 0, 50.0)]


def test_followup_list_xlsx_and_message(con, ingest):
    # as of June: Tunggangri last reported March (Apr, May, Jun missing); Betak reports every month
    load(ingest, wb(T, "2024-03", officer="Siti Aminah"),
         *[wb(B, f"2024-{m:02d}", officer="Budi") for m in range(3, 7)])
    frame = followup.followup(con, "35.04", date(2024, 6, 1))
    assert frame.select("village_code", "months_behind", "last_period", "reported_on", "officer").rows() == [
        (T, 3, date(2024, 3, 1), date(2024, 4, 5), "Siti Aminah")]
    assert followup.message(frame, date(2024, 6, 1)) == (
        "Tindak lanjut laporan bulanan Desmigratif (s.d. Juni 2024): 1 desa terlambat atau belum melapor.\n"
        "- Tunggangri (Kalidawir): 3 bulan; laporan terakhir Maret 2024 tgl 5 April 2024, petugas Siti Aminah")
    back = pl.read_excel(followup.workbook(frame), engine="calamine")
    assert back.columns[:3] == ["kode_desa", "nama_desa", "kecamatan"]
    assert back["petugas_laporan_terakhir"].to_list() == ["Siti Aminah"]


def test_followup_counts_late_months_and_hostile_officer_names_are_escaped(con, ingest):
    # Betak: April on time, May and June late; Tunggangri never reported (the 36 months looked at)
    load(ingest, wb(B, "2024-04"), wb(B, "2024-05", reported_on="2024-06-30", officer="=HYPERLINK(\"x\")"),
         wb(B, "2024-06", reported_on="2024-07-30", officer="=HYPERLINK(\"x\")"))
    frame = followup.followup(con, "35.04", date(2024, 6, 1))
    assert frame.select("village_code", "months_behind", "last_period").rows() == [
        (T, 36, None), (B, 2, date(2024, 6, 1))]
    back = pl.read_excel(followup.workbook(frame), engine="calamine")
    assert back.filter(pl.col("kode_desa") == B)["petugas_laporan_terakhir"].to_list() == ["'=HYPERLINK(\"x\")"]


def test_months_not_yet_due_are_left_out(con, ingest, monkeypatch):
    # today 5 July 2024: June is due by 10 July, so it is neither missing nor late yet
    monkeypatch.setenv("PANTAU_TODAY", "2024-07-05")
    load(ingest, wb(T, "2024-03"), *[wb(B, f"2024-{m:02d}") for m in range(3, 6)])
    frame = followup.followup(con, "35.04", date(2024, 6, 1))
    assert frame.select("village_code", "months_behind").rows() == [(T, 2)]
    [row] = quality.district_summary(con, "35.04", date(2024, 3, 1), date(2024, 6, 1)).to_dicts()
    # June counts as expected (the catalogue's completeness, as on Kelengkapan), never as not reported
    assert (row["reports_expected"], row["not_yet_due"], row["reported"], row["completeness"]) == (8, 2, 4, 0.5)


def test_marking_checked_bumps_the_data_version(con, ingest):
    from pipelines import warehouse
    load(ingest, wb(T, "2024-04", L06=1, L07=2))
    before = int(warehouse.info(con)["data_version"])
    quality.mark_checked(con, KOORD, "KS02|35.04.14.2011|2024-04|L07", "dicek ke desa")
    assert int(warehouse.info(con)["data_version"]) == before + 1


def test_pilar_and_mutu_flag_the_same_village_months(con, ingest):
    # each case was flagged by one of the two former rules and not by the other; now both pages agree.
    # Tunggangri L04 2,2,2,2,2,2 then 6 (MAD 0; 4 units and more than half the median off): flagged
    # Betak L04 1,2,1,2,1,2 then 8 (median 1.5, MAD 0.5, z = 8.8; below the desk's former minimum of 10): flagged
    # Betak L03 2,2,2,2,2,2 then 5: 3 units off, never flagged
    from pipelines.views import pillars
    history = {T: dict(L04=[2] * 6, L03=[2] * 6), B: dict(L04=[1, 2, 1, 2, 1, 2], L03=[2] * 6)}
    last = {T: dict(L04=6, L03=2), B: dict(L04=8, L03=5)}
    books = [wb(code, f"2024-{m:02d}", **{k: v[m - 1] for k, v in values.items()})
             for code, values in history.items() for m in range(1, 7)]
    books += [wb(code, "2024-07", **values) for code, values in last.items()]
    load(ingest, *books)
    mutu = [(v, p, i) for v, p, i, _, _ in found(con, date(2024, 7, 1), date(2024, 7, 1), "O01") if i in ("L03", "L04")]
    assert mutu == [(T, date(2024, 7, 1), "L04"), (B, date(2024, 7, 1), "L04")]
    page = pillars.model(con, Selection("35.04", date(2024, 7, 1), date(2024, 7, 1), compare=None), "id", {})
    codes = page.scorecard.columns[-1]
    assert dict(zip(page.scorecard[page.scorecard.columns[0]], page.scorecard[codes])) == {T: "L04", B: "L04"}


def test_marks_made_under_the_old_rule_ids_keep_their_finding(tmp_path):
    """K01-K04 were the rules' ids and the cooperative indicators' codes: a warehouse's marks move to KS01-KS04."""
    from datetime import datetime

    from pipelines import migrations
    db = tmp_path / "pantau.duckdb"
    con = migrations.connect(db)
    rows = [("K02|35.04.14.2011|2024-04|L07", "dicek ke desa"), ("K04|35.04.14.2016|2024-05|U02+U03", "benar"),
            ("T01|35.04|2024-06|L01+L02", "musim"), ("O01|35.04.14.2011|2024-07|L04", "acara desa")]
    con.executemany("INSERT INTO quality_checks VALUES (?, 'koord.ta', ?, ?)",
                    [(f, datetime(2024, 8, 1, 9), note) for f, note in rows])
    con.close()
    for _ in range(2):  # opened again: renamed once, the rest untouched
        con = migrations.connect(db)
        kept = con.execute("SELECT finding_id, note FROM quality_checks ORDER BY note").fetchall()
        con.close()
        assert kept == [("O01|35.04.14.2011|2024-07|L04", "acara desa"), ("KS04|35.04.14.2016|2024-05|U02+U03", "benar"),
                        ("KS02|35.04.14.2011|2024-04|L07", "dicek ke desa"), ("T01|35.04|2024-06|L01+L02", "musim")]


def test_a_renamed_mark_is_read_as_checked(con, ingest):
    load(ingest, wb(T, "2024-04", L06=1, L07=2))
    con.execute("INSERT INTO quality_checks VALUES ('K02|35.04.14.2011|2024-04|L07', 'koord.ta', "
                "TIMESTAMP '2024-08-01 09:00:00', 'dicek ke desa')")
    from pipelines import migrations
    migrations.migrate(con)
    row = quality.findings(con, "35.04", date(2024, 4, 1), date(2024, 6, 1)).filter(pl.col("rule") == "KS02")
    assert row.select("finding_id", "checked_by", "note").rows() == [
        ("KS02|35.04.14.2011|2024-04|L07", "koord.ta", "dicek ke desa")]
