"""Catalogues are data and agree with their users: settings and the README, labels, SQL files, figures."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from pipelines import catalogue, labels, settings
from pipelines.metrics import figures

ROOT = Path(__file__).resolve().parent.parent
CODE = [p for d in ("pipelines", "ui", "pages") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]


def code_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in CODE)


def test_readme_settings_table_is_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| variable | default | meaning |"):].split("\n\n")[0].splitlines()[2:]
    rows = [[c.strip() for c in line.strip("|").split(" | ")] for line in table]
    expected = [[f"`{r['name']}`", f"`{r['default']}`" if r["default"] else ("(today)" if r["name"] == "PANTAU_TODAY"
                 else "(none)"), r["meaning"]] for r in settings.catalogue().values()]
    assert rows == expected


def test_every_setting_read_is_declared_with_help():
    used = set(re.findall(r"\bPANTAU_[A-Z_]+\b", code_text()))
    declared = set(settings.catalogue())
    assert used <= declared, used - declared
    assert all(r["meaning"] for r in settings.catalogue().values())


def test_every_label_key_used_exists_in_both_languages():
    text = code_text()
    keys = set()
    for pattern in (r"\bt\(\s*\"([a-z][a-z0-9_]*)\"", r"\blabel\(\s*labels,\s*\"([a-z][a-z0-9_]*)\"",
                    r"labels\.text\(\s*\"([a-z][a-z0-9_]*)\"", r"labels\[\"([a-z][a-z0-9_]*)\"\]"):
        keys |= set(re.findall(pattern, text))
    known = labels.catalogue()
    missing = sorted(k for k in keys if k not in known)
    assert missing == []
    assert [k for k, row in known.items() if not row["id"].strip() or not row["en"].strip()] == []


def test_every_sql_file_is_used():
    text = code_text()
    unused = sorted(p.stem for p in (ROOT / "pipelines" / "sql").glob("*.sql")
                    if p.stem != "schema" and f'"{p.stem}"' not in text)
    assert unused == []


def test_figure_catalogue_covers_every_indicator_with_its_rule():
    cat = figures.catalogue()
    for code, indicator in catalogue.indicators().items():
        fig = cat[code]
        assert fig.inputs == code
        assert fig.over_months == ("flag" if indicator.kind == "flag" else indicator.over_months), code
    assert cat["C02"].over_months == "mean"
    for fig in cat.values():
        assert fig.over_months in figures.METHODS, fig.key
        assert fig.name_id and fig.name_en and fig.help_id and fig.help_en, fig.key
        if fig.over_months == "ratio":
            assert all(part in cat for part in fig.inputs.split("/")), fig.key
        if fig.source == "composite":
            assert all(part in catalogue.indicators() for part in fig.parts), fig.key


def test_indicator_catalogue_is_the_contract():
    # The contract lies beside the clone (../shared), as it does for every developer and for CI.
    shared = ROOT.parent / "shared" / "spec" / "indicators.csv"
    with open(shared, newline="", encoding="utf-8") as fh:
        contract = list(csv.DictReader(fh))
    with open(ROOT / "pipelines" / "reference" / "indicators.csv", newline="", encoding="utf-8") as fh:
        ours = list(csv.DictReader(fh))
    assert ours == contract


def test_no_period_total_label_says_this_month():
    for fig in figures.catalogue().values():
        assert "bulan ini" not in fig.name_id and "this month" not in fig.name_en, fig.key


def test_figures_come_only_from_the_metric_layer():
    """No page, page model or the briefing pack reaches past the metric layer to the older aggregation."""
    offenders = [str(p.relative_to(ROOT)) for p in CODE
                 if "crosscheck" in p.read_text(encoding="utf-8") or "from tests" in p.read_text(encoding="utf-8")]
    assert offenders == []
    assert not (ROOT / "pipelines" / "metrics" / "aggregate.py").exists()
    pages_sql = [str(p.relative_to(ROOT)) for p in (ROOT / "pages").rglob("*.py")
                 if "import duckdb" in p.read_text(encoding="utf-8") or "warehouse.query" in p.read_text(encoding="utf-8")]
    assert pages_sql == []


def test_pages_catalogue_lists_every_page_once_with_a_known_right_and_help():
    from pathlib import Path

    from ui import auth
    from ui.i18n import t

    root = Path(__file__).resolve().parent.parent
    files = [p["file"] for p in auth.pages()]
    assert sorted(files) == sorted(str(p.relative_to(root)) for p in (root / "pages").rglob("*.py"))
    assert len(set(files)) == len(files) and len({p["url"] for p in auth.pages()}) == len(files)
    for p in auth.pages():
        assert p["opens"] in auth.OPENS and len(p["help"]) > 20, p["file"]
        assert t(p["title_key"]) != p["title_key"] and t(p["section"]) != p["section"], p["file"]
    assert auth.LOGIN_PAGE == "pages/akun/masuk.py"
