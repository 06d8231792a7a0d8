"""A generated demo survey of returned migrants in the five Jambon villages (Ponorogo), marked as demo.

Shaped to agree with the Ponorogo study (../shared/domain.md): 140 respondents, 70% women, mostly
30-50 years old, 60% abroad 3-5 years, income about Rp 2,1 juta -> 3,6 juta, family harmony
3,14 -> 4,54, 50% found credit hard to get, 80% say their business skills improved. Assumptions (not
in the study, named here): 28 respondents per village, the age split 12/45/33/10 %, social
participation about 3,0 -> 4,2, income before spread about 20 % and the after/before ratio about
60 % (so the paired t is near the study's 6,58), items correlated through one latent trait.
"""
from __future__ import annotations

import numpy as np

from pipelines.survey import store, template

NAME = "Evaluasi Ponorogo (demo)"
JAMBON = ("35.02.20.2001", "35.02.20.2003", "35.02.20.2007", "35.02.20.2012", "35.02.20.2013")
PER_VILLAGE = 28
SEED = 2024


def _spread(rng, latent: np.ndarray, counts: dict[int, int], noise: float = 0.7) -> np.ndarray:
    """Exactly these value counts, handed out in the order of latent + noise (so items correlate)."""
    values = np.repeat(list(counts), list(counts.values())).astype(float)
    order = np.argsort(latent + rng.normal(0, noise, len(latent)))
    out = np.empty(len(latent))
    out[order] = np.sort(values)
    return out


def rows(seed: int = SEED) -> list[dict]:
    """The respondent rows, in template column names."""
    rng = np.random.default_rng(seed)
    n = PER_VILLAGE * len(JAMBON)
    latent = rng.normal(0, 1, n)
    sex = rng.permutation(["P"] * round(n * 0.7) + ["L"] * (n - round(n * 0.7)))
    ages = rng.permutation(np.repeat(["<30", "30-40", "41-50", ">50"], [17, 63, 46, 14]))
    abroad = rng.permutation(np.concatenate([rng.integers(3, 6, 84), rng.integers(1, 3, 30), rng.integers(6, 11, 26)]))
    before = np.round(2_100_000 * rng.lognormal(0, 0.2, n) / np.exp(0.02) / 50_000) * 50_000
    after = np.round(before * 1.71 * rng.lognormal(0, 0.6, n) / np.exp(0.18) / 50_000) * 50_000
    harmony_b = _spread(rng, latent, {2: 28, 3: 64, 4: 48})
    harmony_a = _spread(rng, latent, {4: 64, 5: 76})
    part_b = _spread(rng, latent, {2: 32, 3: 76, 4: 32})
    part_a = _spread(rng, latent, {3: 20, 4: 72, 5: 48})
    credit = rng.permutation([True] * (n // 2) + [False] * (n - n // 2))
    skills = rng.permutation([True] * round(n * 0.8) + [False] * (n - round(n * 0.8)))
    return [{
        "kode_desa": JAMBON[i // PER_VILLAGE], "id_responden": f"J{i + 1:03d}", "jenis_kelamin": str(sex[i]),
        "kelompok_umur": str(ages[i]), "lama_di_luar_negeri_tahun": int(abroad[i]),
        "pendapatan_sebelum": int(before[i]), "pendapatan_sesudah": int(after[i]),
        "harmonis_sebelum": int(harmony_b[i]), "harmonis_sesudah": int(harmony_a[i]),
        "partisipasi_sebelum": int(part_b[i]), "partisipasi_sesudah": int(part_a[i]),
        "akses_modal": "ya" if credit[i] else "tidak", "keterampilan_meningkat": "ya" if skills[i] else "tidak",
    } for i in range(n)]


def load_demo(con) -> store.Result | None:
    """Load the demo survey through the survey write path (when the Jambon villages are registered)."""
    have = {r[0] for r in con.execute("SELECT village_code FROM villages").fetchall()}
    if not set(JAMBON) <= have:
        return None
    return store.load(con, NAME, template.template_bytes(rows()), "survei-demo-jambon.xlsx", "demo", demo=True)
