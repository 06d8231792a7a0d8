"""Shared fixtures: a small registry, a fresh temporary warehouse, and workbook builders."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipelines import migrations
from pipelines.catalogue import indicators
from pipelines.ingest import load, registry, template

ROOT = Path(__file__).resolve().parent.parent

REGISTRY_CSV = """kode_desa,nama_desa,kecamatan,kabupaten,provinsi,tahun_bergabung,lintang,bujur,koordinat_tepat
35.04.14.2011,Tunggangri,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.15,111.95,tidak
35.04.14.2016,Betak,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.16,111.96,tidak
35.02.20.2001,Bringinan,Jambon,Kabupaten Ponorogo,Jawa Timur,2018,-7.90,111.40,tidak
52.03.01.2001,Desa Baru,Keruak,Kabupaten Lombok Timur,Nusa Tenggara Barat,2021,-8.70,116.50,ya
"""


def good_values() -> dict[str, object]:
    """A complete, valid set of indicator values (every code reported)."""
    values: dict[str, object] = {code: 2 for code in indicators()}
    values.update({"C01": 40, "C02": 30, "L08": 3, "L09": 2, "U06": 15_000_000, "K02": 250_000_000,
                   "K03": 10_000_000, "K04": 80_000_000, "K05": "ya", "K01": 120})
    return values


def good_identity(**changes) -> dict[str, object]:
    identity = {"kode_desa": "35.04.14.2011", "nama_desa": "Tunggangri", "periode": "2024-03",
                "nama_petugas": "Siti Aminah", "tanggal_lapor": "2024-04-05"}
    identity.update(changes)
    return identity


def make_workbook(identity: dict | None = None, values: dict | None = None, placements=None, returns=None,
                  remittances=None, decorate: bool = False) -> bytes:
    """A workbook in the template format, as bytes."""
    buf = io.BytesIO()
    template.write_workbook(
        buf, identity if identity is not None else good_identity(),
        values if values is not None else good_values(),
        placements if placements is not None else [
            {"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 4},
            {"negara_tujuan": "Malaysia", "sektor": "Perkebunan/Pertanian", "jenis_kelamin": "L", "jumlah": 2},
        ],
        returns if returns is not None else [
            {"negara_asal": "Hong Kong", "jenis_kelamin": "P", "jumlah": 3, "bermasalah": 1}],
        remittances if remittances is not None else [
            {"negara_asal": "Taiwan", "saluran": "Bank", "jumlah_transaksi": 5, "nilai_rp": 12_500_000}],
        decorate=decorate,
    )
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _signed_in_admin(request, monkeypatch):
    """AppTests of the dashboard run as a signed-in admin; tests of signing in opt out (real_auth)."""
    if request.node.get_closest_marker("real_auth"):
        return
    from pipelines.accounts.roles import User
    from ui import auth
    monkeypatch.setattr(auth, "current_user", lambda: User("penguji", "Penguji", "admin"))


@pytest.fixture(scope="session", autouse=True)
def _close_app_connections():
    """AppTest runs leave the app's cached warehouse connections open; close them at the end."""
    yield
    from ui.state import release
    release()


@pytest.fixture
def registry_csv(tmp_path: Path) -> Path:
    path = tmp_path / "desa.csv"
    path.write_text(REGISTRY_CSV, encoding="utf-8")
    return path


# Test modules whose `con` runs on both stores (issue 21): the embedded DuckDB file and PostgreSQL
# (pg_server below: when PostgreSQL cannot start, these tests fail with the reason, never skip).
BOTH_STORES = {"test_load", "test_rollup", "test_metric_layer", "test_reconciliation", "test_registry",
               "test_review", "test_users", "test_sessions", "test_store", "test_survey", "test_cohort",
               "test_targets", "test_quality", "test_scope", "test_file_names", "test_opendata",
               "test_capaian_pdf"}


def pytest_generate_tests(metafunc):
    if ("con" in metafunc.fixturenames and metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_STORES
            and not metafunc.definition.get_closest_marker("duckdb_file")):
        metafunc.parametrize("store", ["duckdb", "postgres"], indirect=True)


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL on 127.0.0.1 for the session; the run FAILS, saying why, when it cannot start."""
    from tests import pgserver
    try:
        server = pgserver.Server()
    except pgserver.CannotStart as exc:
        pytest.fail(f"PostgreSQL for the tests could not start: {exc}", pytrace=False)
    yield server
    from pipelines import postgres
    postgres.stop_listeners()  # the app's LISTEN threads (issue 22) go first, or they try to reconnect
    server.stop()


@pytest.fixture
def store(request) -> str:
    """'duckdb' (the default) or 'postgres' for the modules in BOTH_STORES."""
    return getattr(request, "param", "duckdb")


@pytest.fixture
def store_url(store, tmp_path: Path, request) -> str | Path:
    """Where this test's warehouse lives: a DuckDB file, or a fresh schema of the session's PostgreSQL."""
    if store == "postgres":
        return request.getfixturevalue("pg_server").schema()
    return tmp_path / "pantau.duckdb"


@pytest.fixture
def con(store_url, registry_csv: Path):
    """A fresh warehouse (DuckDB file, or PostgreSQL schema) with the small registry loaded."""
    connection = migrations.connect(store_url)
    registry.load_registry(connection, registry_csv)
    yield connection
    connection.close()


@pytest.fixture
def ingest(con):
    """Load workbooks given as {name: bytes} and return the results in order."""
    def run(files: dict[str, bytes], **kwargs):
        return load.load_files(con, [load.Source(n, d) for n, d in files.items()], "penguji", **kwargs)
    return run


@pytest.fixture
def one(ingest):
    """Ingest a single workbook (named laporan.xlsx) and return its Result."""
    return lambda data, **kw: ingest({"laporan.xlsx": data}, **kw)[0]


def scalar(con, sql: str, *params):
    """First cell of a query, for short assertions."""
    return con.cursor().sql(sql, params=list(params) or None).fetchall()[0][0]


AREA_PICKER_LABELS = {"province": "Provinsi", "district": "Kabupaten/kota", "subdistrict": "Kecamatan",
                      "village": "Desa"}


def area_picker(at, level: str):
    """The sidebar's area selectbox of a level (its key changes after each drill-down)."""
    [box] = [s for s in at.sidebar.selectbox if s.label == AREA_PICKER_LABELS[level]]
    return box


def displayed(table):
    """What the browser shows in an AppTest st.dataframe, as a pandas frame of cells: the text Python wrote
    (pandas Styler display values: shares, fractions), whole numbers written by their column's printf format
    ("%'.,d" is 1.234, "%,d" 1,234), the placeholder for a missing value, other cells as sent."""
    import json

    import pandas as pd
    import pyarrow as pa

    from pipelines import formatting

    data = pa.ipc.open_stream(table.proto.arrow_data.data).read_all()
    written = table.proto.arrow_data.styler.display_values
    text = pa.ipc.open_stream(written).read_all().to_pylist() if written else None
    formats = {c: v.get("type_config", {}).get("format") for c, v in json.loads(table.proto.columns or "{}").items()}
    rows = []
    for i, row in enumerate(data.to_pylist()):
        cells = {}
        for column, value in row.items():
            fmt = formats.get(column)
            if value is None:
                cells[column] = table.proto.placeholder or None
            elif fmt in ("%'.,d", "%,d"):
                cells[column] = formatting.number(int(value), "id" if fmt == "%'.,d" else "en")
            elif text is not None and isinstance(value, float):
                cells[column] = text[i][column]
            else:
                cells[column] = value
        rows.append(cells)
    return pd.DataFrame(rows, columns=data.column_names)
