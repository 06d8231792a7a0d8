"""The ingest command line: exit codes, JSON document, folders, and crash safety (kill -9 mid-batch)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import migrations
from tests.conftest import ROOT, good_identity, good_values, make_workbook

MONTHS = [f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in range(1, 13)]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.ingest", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


def write_month_files(folder: Path, count: int) -> list[Path]:
    """count valid workbooks for Tunggangri and Betak, one per village-month."""
    folder.mkdir(exist_ok=True)
    paths = []
    villages = [("35.04.14.2011", "Tunggangri"), ("35.04.14.2016", "Betak")]
    for i in range(count):
        code, name = villages[i % 2]
        path = folder / f"{code}-{MONTHS[i // 2]}.xlsx"
        path.write_bytes(make_workbook(identity=good_identity(kode_desa=code, nama_desa=name,
                                                              periode=MONTHS[i // 2], tanggal_lapor=None)))
        paths.append(path)
    return paths


def test_json_document_and_exit_codes(tmp_path, registry_csv):
    db = str(tmp_path / "w.duckdb")
    good = tmp_path / "good.xlsx"
    good.write_bytes(make_workbook())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make_workbook(values=good_values() | {"L02": "banyak"}))
    proc = run("--db", db, "--registry", str(registry_csv), "--json", str(good), str(bad))
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert (doc["accepted"], doc["rejected"]) == (1, 1)
    assert [(f["file"], f["status"], f["village_code"], f["period"], f["version"]) for f in doc["files"]] == [
        (str(good), "accepted", "35.04.14.2011", "2024-03", 1),
        (str(bad), "rejected", "35.04.14.2011", "2024-03", None)]
    assert doc["files"][1]["errors"] == [{"sheet": "Layanan", "row": 3, "column": "nilai", "value": "banyak",
                                          "message": doc["files"][1]["errors"][0]["message"]}]
    again = run("--db", db, "--json", str(good))
    assert again.returncode == 0
    assert json.loads(again.stdout)["files"][0]["status"] == "unchanged"


def test_usage_errors_exit_2(tmp_path):
    assert run("--no-such-option").returncode == 2
    assert run("--db", str(tmp_path / "w.duckdb")).returncode == 2
    missing = run("--db", str(tmp_path / "w.duckdb"), str(tmp_path / "nothing.xlsx"))
    assert missing.returncode == 2 and "tidak ditemukan" in missing.stderr


def test_folder_summary_and_dry_run(tmp_path, registry_csv):
    db = str(tmp_path / "w.duckdb")
    write_month_files(tmp_path / "in", 4)
    dry = run("--db", db, "--registry", str(registry_csv), "--dry-run", str(tmp_path / "in"))
    assert dry.returncode == 0
    assert "Ringkasan: 4 diterima, 0 tidak berubah, 0 ditolak, dari 4 berkas." in dry.stdout
    con = migrations.connect(db, read_only=True)
    assert con.cursor().sql("SELECT count(*) FROM submissions").fetchall() == [(0,)]
    con.close()


# Pauses inside the write transaction of the second batch, just before COMMIT, so the test can kill it there.
PAUSING_LOADER = """
import sys, time
from pipelines.ingest import cli as ingest, load
from pipelines import migrations, warehouse
calls = {"n": 0}
original = warehouse.sql_text
def pausing(name):
    if name == "bump_data_version":
        calls["n"] += 1
        if calls["n"] == 2:
            print("IN_TRANSACTION", flush=True)
            time.sleep(60)
    return original(name)
warehouse.sql_text = pausing
from pipelines.ingest import sources
Plan = sources.Plan
sources.Plan = lambda items, batch_size=500: Plan(items, 5)
sys.exit(ingest.main(sys.argv[1:]))
"""


def check_consistent(db: str) -> tuple[int, int]:
    """Every stored submission is whole: 25 values, 2 placements, 1 return, 1 remittance row."""
    con = migrations.connect(db, read_only=True)
    cur = con.cursor()
    subs = cur.sql("SELECT count(*) FROM submissions").fetchall()[0][0]
    partial = cur.sql("""
        SELECT count(*) FROM submissions s
        WHERE (SELECT count(*) FROM submission_values v WHERE v.submission_id = s.submission_id) <> 25
           OR (SELECT count(*) FROM submission_placements p WHERE p.submission_id = s.submission_id) <> 2
           OR (SELECT count(*) FROM submission_returns r WHERE r.submission_id = s.submission_id) <> 1
           OR (SELECT count(*) FROM submission_remittances m WHERE m.submission_id = s.submission_id) <> 1
    """).fetchall()[0][0]
    con.close()
    return subs, partial


@pytest.mark.slow
def test_kill_mid_transaction_leaves_whole_workbooks_and_rerun_completes(tmp_path, registry_csv):
    db = str(tmp_path / "w.duckdb")
    write_month_files(tmp_path / "in", 14)
    assert run("--db", db, "--registry", str(registry_csv)).returncode == 0
    proc = subprocess.Popen([sys.executable, "-c", PAUSING_LOADER, "--db", db, str(tmp_path / "in")],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "IN_TRANSACTION"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert check_consistent(db) == (5, 0)  # the first batch committed, the second rolled back
    rerun = run("--db", db, "--json", str(tmp_path / "in"))
    assert rerun.returncode == 0
    statuses = [f["status"] for f in json.loads(rerun.stdout)["files"]]
    assert statuses == ["unchanged"] * 5 + ["accepted"] * 9
    assert check_consistent(db) == (14, 0)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.4, 0.7, 1.0])
def test_kill_at_any_moment_never_leaves_half_a_workbook(tmp_path, registry_csv, delay):
    db = str(tmp_path / "w.duckdb")
    write_month_files(tmp_path / "in", 40)
    assert run("--db", db, "--registry", str(registry_csv)).returncode == 0
    code = ("import sys\nfrom pipelines.ingest import cli, sources\nPlan = sources.Plan\n"
            "sources.Plan = lambda items, batch_size=500: Plan(items, 3)\n"
            "sys.exit(cli.main(sys.argv[1:]))\n")
    proc = subprocess.Popen([sys.executable, "-c", code, "--db", db, str(tmp_path / "in")], cwd=ROOT)
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() in (-signal.SIGKILL, 0)  # killed, or already done: never failed on its own
    subs, partial = check_consistent(db)
    assert partial == 0 and (subs % 3 == 0 or subs == 40)  # only whole batches of whole workbooks
    assert run("--db", db, str(tmp_path / "in")).returncode == 0
    assert check_consistent(db) == (40, 0)


POOLED_CLI = ("import runpy, sys\nfrom pipelines.ingest import readers\n"
              "readers.POOL_MIN_FILES, readers.CHUNK_FILES = 2, 1\n"
              "sys.argv = ['pipelines.ingest', *sys.argv[1:]]\n"
              "runpy.run_module('pipelines.ingest', run_name='__main__')\n")


def test_the_pooled_cli_prints_its_whole_document_and_exit_code(tmp_path, registry_csv):
    """With reader processes: every result in the JSON, exit 1 for a rejected file, nothing on stderr
    (the process and its workers leave without the interpreter's teardown)."""
    db = str(tmp_path / "w.duckdb")
    assert run("--db", db, "--registry", str(registry_csv)).returncode == 0
    paths = write_month_files(tmp_path / "in", 6)
    (tmp_path / "in" / "zz-bad.xlsx").write_bytes(make_workbook(values=good_values() | {"L02": "banyak"}))
    proc = subprocess.run([sys.executable, "-c", POOLED_CLI, "--db", db, "--json", str(tmp_path / "in")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PANTAU_READ_WORKERS": "2"})
    assert (proc.returncode, proc.stderr) == (1, "")
    doc = json.loads(proc.stdout)
    assert (doc["accepted"], doc["rejected"]) == (6, 1)
    assert [f["file"] for f in doc["files"]] == sorted([*map(str, paths), str(tmp_path / "in" / "zz-bad.xlsx")])
    con = migrations.connect(db, read_only=True)
    assert con.sql("SELECT count(*) FROM submissions").fetchall() == [(6,)]
    con.close()
