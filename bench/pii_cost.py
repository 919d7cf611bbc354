"""What encrypting personal data costs: the demo seed's wall time on SQLite, and the per-value
cost of encrypting, decrypting and hashing an ID number or a phone.

    .venv/bin/python bench/pii_cost.py seed [--tree PATH [--tree PATH]] [--repeats 3] [--scale 1]
    .venv/bin/python bench/pii_cost.py values [--n 20000]

``seed`` runs ``migrate`` and then ``seed_demo --scale S --taxonomy builtin`` in a fresh variable
directory (its own SQLite file, its own generated keys) for each repeat, from the checkout at
``--tree`` (default: this one; give two, e.g. an export of another commit and this one, to
compare: the runs alternate), and prints the seed's wall time per run, the load average before
each, the medians and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def _seed_once(python: str, tree: Path, scale: float) -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix="dangqun_pii_seed_") as var:
        env = {**os.environ, "DANGQUN_VAR_DIR": var, "DATABASE_URL": "", "DJANGO_DEBUG": "1"}
        env.pop("DANGQUN_TESTING", None)
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=tree, env=env, check=True)  # noqa: S603
        load = _load()
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [python, "manage.py", "seed_demo", "--scale", str(scale), "--taxonomy", "builtin"],
            cwd=tree,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started, load


def seed(trees: list[Path], repeats: int, scale: float) -> None:
    """Alternate the checkouts (A B A B …) so that both see the same machine load."""
    python = str(ROOT / ".venv" / "bin" / "python")
    times: dict[Path, list[float]] = {tree: [] for tree in trees}
    for i in range(repeats):
        for tree in trees:
            elapsed, load = _seed_once(python, tree, scale)
            times[tree].append(elapsed)
            print(f"run {i + 1} {tree}: {elapsed:.1f} s (load average before: {load})", flush=True)
    for tree, values in times.items():
        print(f"{tree}: median of {repeats}: {statistics.median(values):.1f} s")
    if len(trees) == 2:
        base, new = (statistics.median(times[t]) for t in trees)
        print(f"ratio {trees[1]} / {trees[0]}: {new / base:.3f}; load average now {_load()}")


def values(n: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from dangqun.core import pii

    id_number, phone = "11010519491231002X", "13812345678"
    rows = []
    for label, value, kind in (("ID number", id_number, pii.ID_NUMBER), ("phone", phone, pii.PHONE)):
        started = time.perf_counter()
        tokens = [pii.encrypt(value) for _ in range(n)]
        enc = (time.perf_counter() - started) / n
        started = time.perf_counter()
        for token in tokens:
            pii.decrypt(token)
        dec = (time.perf_counter() - started) / n
        started = time.perf_counter()
        for _ in range(n):
            pii.blind_index(kind, value)
        hsh = (time.perf_counter() - started) / n
        rows.append((label, enc, dec, hsh, len(tokens[0])))
    print(f"{n} values each, load average {_load()}")
    print("| value | encrypt | decrypt | keyed hash | stored length |")
    print("|---|---|---|---|---|")
    for label, enc, dec, hsh, length in rows:
        print(f"| {label} | {enc * 1e6:.1f} µs | {dec * 1e6:.1f} µs | {hsh * 1e6:.1f} µs | {length} chars |")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    p_seed = sub.add_parser("seed")
    p_seed.add_argument("--tree", type=Path, action="append", help="a checkout (repeat to compare two)")
    p_seed.add_argument("--repeats", type=int, default=3)
    p_seed.add_argument("--scale", type=float, default=1.0)
    p_values = sub.add_parser("values")
    p_values.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    if args.what == "seed":
        seed(args.tree or [ROOT], args.repeats, args.scale)
    else:
        values(args.n)


if __name__ == "__main__":
    main()
