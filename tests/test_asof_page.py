"""The Paket page picks a data version and says which one a build used (AppTest, small fixture warehouse)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import formatting, migrations, versions
from pipelines.briefing import page as pack_view
from pipelines.ingest import load, registry
from tests.conftest import REGISTRY_CSV, ROOT, good_identity, make_workbook
from tests.test_asof import kpi, xlsx_tables

PAGE = "pages/presentasi/paket.py"


def _report(month: str, placed: int) -> load.Source:
    return load.Source(f"t-{month}-{placed}.xlsx", make_workbook(identity=good_identity(periode=month), placements=[
        {"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": placed}]))


@pytest.fixture
def two_versions(tmp_path, monkeypatch) -> tuple[Path, list]:
    """Version 1: Jan-Mar 2024 of Tunggangri, 4 placements each; version 2: March again with 9."""
    (tmp_path / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    db = tmp_path / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, tmp_path / "desa.csv")
    assert [r.status for r in load.load_files(con, [_report(m, 4) for m in ("2024-01", "2024-02", "2024-03")],
                                              "penguji")] == ["accepted"] * 3
    assert [r.status for r in load.load_files(con, [_report("2024-03", 9)], "penguji")] == ["accepted"]
    made = [versions.made_at(con, v) for v in (0, 1, 2)]
    con.close()
    monkeypatch.setenv("PANTAU_DB", str(db))
    monkeypatch.setenv("PANTAU_TODAY", "2024-04-15")
    return db, made


def test_the_page_rebuilds_an_older_data_version(two_versions):
    _, made = two_versions
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(PAGE).run()
    [picker] = [s for s in at.selectbox if s.label == "Versi data"]
    assert picker.options == [f"versi 2 · {formatting.moment(made[2], 'id')} · unggah laporan (terbaru)",
                              f"versi 1 · {formatting.moment(made[1], 'id')} · unggah laporan",
                              f"versi 0 · {formatting.moment(made[0], 'id')} · awal riwayat versi"]
    picker.set_value(1).run()
    at.button(key="bp_build").click().run()
    assert not at.exception, [e.value for e in at.exception]
    pack = at.session_state["bp_pack"][1]
    assert pack.version == 1
    assert (f"Paket ini disusun dari data versi 1 (per {formatting.moment(made[1], 'id')}); tanggal acuan "
            "15 April 2024.") in [c.value for c in at.caption]
    assert kpi(xlsx_tables(pack.xlsx), "Penempatan PMI") == 12  # 3 x 4: March's 9 came with version 2
    at.selectbox(key="bp_version").set_value(pack_view.NEWEST).run()
    at.button(key="bp_build").click().run()
    newest = at.session_state["bp_pack"][1]
    assert (newest.version, kpi(xlsx_tables(newest.xlsx), "Penempatan PMI")) == (2, 17)
