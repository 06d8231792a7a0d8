"""The metric layer: reporting calendar, coverage, like-for-like change, estimates, per-month means (exact values)."""
from __future__ import annotations

from datetime import date

import pytest
from conftest import good_identity, good_values, make_workbook, scalar

from pipelines.metrics import calendar, facts, figures
from pipelines.metrics.measure import measure

TUNGGANGRI, BETAK, BRINGINAN, DESA_BARU = "35.04.14.2011", "35.04.14.2016", "35.02.20.2001", "52.03.01.2001"
NAMES = {TUNGGANGRI: "Tunggangri", BETAK: "Betak", BRINGINAN: "Bringinan", DESA_BARU: "Desa Baru"}


def report(ingest, village: str, period: str, reported_on: str | None = None, placements=None, **values):
    """Load one village-month with good values, some overridden (None = left blank)."""
    vals = good_values()
    vals.update(values)
    year, month = map(int, period.split("-"))
    nxt = date(year + month // 12, month % 12 + 1, 5)
    identity = good_identity(kode_desa=village, nama_desa=NAMES[village], periode=period,
                             tanggal_lapor=reported_on or nxt.isoformat())
    [result] = ingest({f"{village}-{period}.xlsx": make_workbook(identity, vals, placements=placements)})
    assert result.status in ("accepted", "accepted_with_warnings"), result.errors
    return result


# --- calendar --------------------------------------------------------------------------------------

def test_deadline_and_open_months():
    assert calendar.deadline("2026-11", 10) == date(2026, 12, 10)
    assert calendar.deadline("2026-01", 31) == date(2026, 2, 28)
    assert calendar.is_open("2026-11", date(2026, 12, 10), 10) is True    # the deadline day itself
    assert calendar.is_open("2026-11", date(2026, 12, 11), 10) is False   # the day after
    assert calendar.latest_closed_month(date(2026, 12, 1), 10) == date(2026, 10, 1)
    assert calendar.latest_closed_month(date(2026, 12, 11), 10) == date(2026, 11, 1)
    assert calendar.default_range(date(2026, 12, 1), 12, 10) == (date(2025, 11, 1), date(2026, 10, 1))
    assert calendar.comparison_range("2026-05", "2026-10", "yoy") == (date(2025, 5, 1), date(2025, 10, 1))
    assert calendar.comparison_range("2026-05", "2026-10", "prev") == (date(2025, 11, 1), date(2026, 4, 1))


@pytest.mark.parametrize("today, betak_state", [(date(2024, 4, 10), "belum_jatuh_tempo"),
                                                (date(2024, 4, 11), "tidak_melapor")])
def test_village_month_states_at_the_deadline(con, ingest, today, betak_state):
    report(ingest, TUNGGANGRI, "2024-03", reported_on="2024-04-10")
    f = facts.load(con, "35.04", "2024-03", "2024-03", today=today, deadline_day=10)
    states = dict(zip(f.frame["village_code"], f.frame["state"]))
    assert states == {TUNGGANGRI: "tepat_waktu", BETAK: betak_state}
    assert f.provisional is (today == date(2024, 4, 10))


def test_late_is_judged_on_the_first_version(con, ingest):
    report(ingest, TUNGGANGRI, "2024-03", reported_on="2024-04-11")
    report(ingest, TUNGGANGRI, "2024-03", reported_on="2024-04-02", L01=9)  # a correction, dated earlier
    f = facts.load(con, TUNGGANGRI, "2024-03", "2024-03", today=date(2024, 6, 1), deadline_day=10)
    assert f.frame["state"].to_list() == ["terlambat"]
    assert f.frame["L01"].to_list() == [9.0]


def test_open_month_counts_not_due_never_as_not_reported(con, ingest):
    report(ingest, TUNGGANGRI, "2024-03", reported_on="2024-04-03")
    m = measure(con, "35.04", "2024-03", "2024-03", compare=None, today=date(2024, 4, 5), deadline_day=10)
    got = {k: m.total(k).value for k in ("reports_expected", "reports_in", "on_time", "not_reported", "not_yet_due",
                                         "villages_joined")}
    assert got == {"reports_expected": 2, "reports_in": 1, "on_time": 1, "not_reported": 0, "not_yet_due": 1,
                   "villages_joined": 2}
    cov = m.total("placements").coverage
    assert (cov.covered, cov.expected, cov.provisional, cov.not_due) == (1, 2, True, 1)
    assert cov.text("id") == ("dari 2 laporan yang diharapkan, 1 masuk (50,0%). Sementara: Maret 2024 belum lewat "
                              "tenggat (1 laporan belum jatuh tempo)")


def test_pre_join_report_is_kept_but_never_counts(con, ingest):
    report(ingest, DESA_BARU, "2020-12")  # joined 2021: accepted with a warning
    m = measure(con, "52", "2020-12", "2021-01", compare=None, today=date(2021, 3, 1))
    assert m.total("reports_expected").value == 1      # January 2021 only
    assert m.total("reports_in").value == 0
    assert m.total("completeness").value == 0.0
    assert m.total("placements").value is None          # the December 2020 rows are not a programme figure
    assert scalar(con, "SELECT count(*) FROM placements WHERE village_code = ?", DESA_BARU) == 2


# --- aggregation over months -------------------------------------------------------------------------

def test_per_month_count_is_averaged_not_summed(con, ingest):
    report(ingest, TUNGGANGRI, "2024-01", C02=30)
    report(ingest, TUNGGANGRI, "2024-02", C02=38)
    report(ingest, BETAK, "2024-02", C02=20)
    m = measure(con, "35.04", "2024-01", "2024-03", compare=None, today=date(2024, 6, 1))
    c02 = m.total("C02")
    assert c02.value == 44.0                 # (30 + (38 + 20)) / 2 reported months; March had no report
    assert (c02.coverage.covered, c02.coverage.expected) == (3, 6)
    assert m.total("C01").value == 80.0      # stock: each village's latest (40 + 40), never summed over months
    assert m.total("L03").value == 6.0       # flow: summed
    assert figures.get("C02").over_months == "mean"


def test_composite_needs_every_part(con, ingest):
    report(ingest, TUNGGANGRI, "2024-01", L01=3, L02=4)
    report(ingest, BETAK, "2024-01", L01=5, L02=None)
    m = measure(con, "35.04", "2024-01", "2024-01", compare=None, today=date(2024, 6, 1))
    total = m.total("consultations")
    assert (total.value, total.coverage.covered, total.coverage.expected) == (7.0, 1, 2)


# --- like-for-like change ----------------------------------------------------------------------------

def test_change_is_over_matched_village_months(con, ingest):
    two = [{"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 2}]
    five = [{"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 5}]
    report(ingest, TUNGGANGRI, "2023-03", placements=two)
    report(ingest, BETAK, "2023-03", placements=five)
    report(ingest, TUNGGANGRI, "2024-03", placements=five)  # Betak did not report March 2024
    m = measure(con, "35.04", "2024-03", "2024-03", compare="yoy", today=date(2024, 6, 1))
    total = m.total("placements")
    assert total.value == 5.0
    assert (total.change.now, total.change.before, total.change.matched) == (5.0, 2.0, 1)
    assert total.change_text("id") == "+3 (+150,0%)"      # not 5 - 7 = -2: Betak's silence is no decline
    assert total.change.basis_text("id") == ("dibandingkan dengan Maret 2023 pada 1 desa-bulan yang melapor "
                                             "di kedua periode")


def test_stock_change_is_over_villages_reporting_in_both(con, ingest):
    report(ingest, TUNGGANGRI, "2023-06", K01=100)
    report(ingest, BETAK, "2023-06", K01=300)
    report(ingest, TUNGGANGRI, "2024-06", K01=120)   # Betak stopped reporting
    m = measure(con, "35.04", "2024-01", "2024-06", compare="yoy", today=date(2024, 9, 1))
    total = m.total("K01")
    assert total.value == 120.0
    assert (total.change.now, total.change.before, total.change.matched, total.change.per_village) == (
        120.0, 100.0, 1, True)
    assert total.change_text("id") == "+20 (+20,0%)"


# --- estimates ---------------------------------------------------------------------------------------

def test_estimate_from_own_history_and_district_median(con, ingest):
    for month, n in (("2024-01", 2), ("2024-02", 4), ("2024-03", 6)):
        report(ingest, TUNGGANGRI, month, L03=n)
    report(ingest, BETAK, "2024-04", L03=10)
    # April: Tunggangri missing, its own history has 3 values (mean 4). Betak's Jan-Mar: fewer than
    # 3 reports of its own, so the district median of that month (Tunggangri's) fills them.
    m = measure(con, "35.04", "2024-01", "2024-04", compare=None, today=date(2024, 6, 1), estimates=True)
    est = m.total("L03", with_estimate=True).estimate
    assert est.reported == 22.0                # 2 + 4 + 6 + 10
    assert est.value == 22.0 + 4.0 + (2 + 4 + 6)
    assert (est.filled, est.missing) == (4, 0)
    assert est.share == pytest.approx(16 / 38)


def test_no_estimate_without_any_source(con, ingest):
    m = measure(con, TUNGGANGRI, "2024-01", "2024-02", compare=None, today=date(2024, 6, 1), estimates=True)
    est = m.total("L03", with_estimate=True).estimate
    assert (est.reported, est.value, est.filled, est.missing) == (None, None, 0, 2)


def test_stock_carried_forward_at_most_three_months(con, ingest):
    report(ingest, TUNGGANGRI, "2024-02", K01=100)
    report(ingest, BETAK, "2024-01", K01=50)
    m = measure(con, "35.04", "2024-05", "2024-05", compare=None, today=date(2024, 8, 1), estimates=True)
    est = m.total("K01", with_estimate=True).estimate
    # Tunggangri's February is 3 months before May: carried; Betak's January is 4: not
    assert (est.reported, est.value, est.filled, est.missing) == (None, 100.0, 1, 1)


def test_approved_only_counts_approved_district_months(con, ingest):
    report(ingest, TUNGGANGRI, "2024-03")
    report(ingest, BRINGINAN, "2024-03")
    con.sql("INSERT INTO review_states VALUES ('35.04', DATE '2024-03-01', 'disetujui', 'peninjau', now(), NULL)")
    m = measure(con, "", "2024-03", "2024-03", compare=None, today=date(2024, 6, 1), approved_only=True)
    assert m.total("placements").value == 6.0
    assert m.total("reports_in").value == 1
    assert measure(con, "", "2024-03", "2024-03", compare=None, today=date(2024, 6, 1)).total("placements").value == 12.0


def test_breakdown_keeps_only_counted_expected_village_months(con, ingest):
    from pipelines.metrics import breakdown
    report(ingest, DESA_BARU, "2020-12")   # before joining: not a programme figure
    report(ingest, DESA_BARU, "2021-01")
    f = facts.load(con, "52", "2020-12", "2021-01", today=date(2021, 6, 1))
    got = breakdown.by(con, f, "placements", ["country_iso2"])
    assert got.rows() == [("TW", 4), ("MY", 2)]
    assert breakdown.by(con, f, "placements", ["sex"]).rows() == [("P", 4), ("L", 2)]


def test_series_by_month_and_unit(con, ingest):
    report(ingest, TUNGGANGRI, "2024-01", C02=30, K01=100)
    report(ingest, BETAK, "2024-02", C02=20, K01=50)
    m = measure(con, "35.04", "2024-01", "2024-02", compare=None, today=date(2024, 3, 5))
    s = m.series(["C02", "K01"])
    assert s.select("figure", "period", "value", "covered", "expected", "provisional").rows() == [
        ("C02", date(2024, 1, 1), 30.0, 1, 2, False), ("C02", date(2024, 2, 1), 20.0, 1, 2, True),
        ("K01", date(2024, 1, 1), 100.0, 1, 2, False), ("K01", date(2024, 2, 1), 50.0, 1, 2, True)]
    by_village = m.wide(["K01", "C02"], "village")
    assert by_village.select("area_code", "K01", "C02", "K01_covered").rows() == [
        (TUNGGANGRI, 100.0, 30.0, 1), (BETAK, 50.0, 20.0, 1)]


def test_outlier_parameters_are_data_with_help_that_says_their_value():
    from pipelines.metrics import outliers
    rows = outliers.parameters()
    assert list(rows) == ["history_months", "min_history", "scale", "threshold", "mean_ad_scale", "min_distance",
                          "zero_mad_relative", "kinds"]
    r = outliers.rule()
    assert (r.history_months, r.min_history, r.scale, r.threshold, r.mean_ad_scale, r.min_distance,
            r.zero_mad_relative, r.kinds) == (12, 6, 0.6745, 3.5, 1.253314, 3.0, 0.5, ("flow",))
    for name in ("history_months", "min_history", "scale", "threshold", "mean_ad_scale", "min_distance"):
        value = rows[name]["value"]
        assert value.replace(".", ",") in rows[name]["help_id"], name   # the help never drifts from the value
        assert value in rows[name]["help_en"], name
    # flows only: a balance growing steadily (K01 123, 127, ... 151) is always far from its own median, and a
    # yes/no answer is no amount
    assert {"L01", "C02", "K03"} <= set(r.codes) and not {"K01", "K02", "U05", "C01", "K05"} & set(r.codes)
