"""What encrypting personal data costs: the demo seed's wall time on SQLite, and the per-value
cost of encrypting, decrypting and hashing an ID number or a phone (CPU time of the process, which
a busy shared machine disturbs far less than wall time).

    .venv/bin/python bench/pii_cost.py seed [--tree PATH [--tree PATH]] [--repeats 3] [--scale 1]
    .venv/bin/python bench/pii_cost.py values [--n 20000]

``seed`` runs ``migrate`` and then ``seed_demo --scale S --taxonomy builtin`` in a fresh variable
directory (its own SQLite file, its own generated keys) for each repeat, from the checkout at
``--tree`` (default: this one; give two, e.g. an export of another commit and this one, to
compare: the runs alternate, or with ``--together`` run at the same time so that both see the
same load), and prints each seed's wall time and CPU time (user + system of the process), the load
average before each, the medians and the ratio of CPU times.
"""

from __future__ import annotations

import argparse
import contextlib
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


def _start_seed(python: str, tree: Path, scale: float, var: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DANGQUN_VAR_DIR": var, "DATABASE_URL": "", "DJANGO_DEBUG": "1"}
    env.pop("DANGQUN_TESTING", None)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=tree, env=env, check=True)  # noqa: S603
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [python, "manage.py", "seed_demo", "--scale", str(scale), "--taxonomy", "builtin"],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(proc: subprocess.Popen[bytes], started: float) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, from the child's rusage) of a seed."""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"seed_demo failed with {proc.returncode}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def seed(trees: list[Path], repeats: int, scale: float, together: bool) -> None:
    """One seed per checkout and repeat. ``together``: the checkouts' seeds run at the same time, so
    that on a shared machine both see the same load (compare their CPU seconds); otherwise they
    alternate (A B A B …)."""
    python = str(ROOT / ".venv" / "bin" / "python")
    wall: dict[Path, list[float]] = {tree: [] for tree in trees}
    cpu: dict[Path, list[float]] = {tree: [] for tree in trees}
    for i in range(repeats):
        batches = [trees] if together else [[tree] for tree in trees]
        for batch in batches:
            with contextlib.ExitStack() as stack:
                dirs = [
                    stack.enter_context(tempfile.TemporaryDirectory(prefix="dangqun_pii_seed_"))
                    for _ in batch
                ]
                load = _load()
                started = time.perf_counter()
                procs = [_start_seed(python, tree, scale, var) for tree, var in zip(batch, dirs, strict=True)]
                for tree, proc in zip(batch, procs, strict=True):
                    elapsed, used = _wait(proc, started)
                    wall[tree].append(elapsed)
                    cpu[tree].append(used)
                    print(
                        f"run {i + 1} {tree}: {elapsed:.1f} s wall, {used:.1f} s CPU (load before: {load})",
                        flush=True,
                    )
    for tree in trees:
        median_wall, median_cpu = statistics.median(wall[tree]), statistics.median(cpu[tree])
        print(f"{tree}: median wall {median_wall:.1f} s, CPU {median_cpu:.1f} s")
    if len(trees) == 2:
        base, new = (statistics.median(cpu[t]) for t in trees)
        print(f"CPU ratio {trees[1]} / {trees[0]}: {new / base:.3f}; load average now {_load()}")


def values(n: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from dangqun.core import pii

    id_number, phone = "11010519491231002X", "13812345678"
    rows = []
    for label, value, kind in (("ID number", id_number, pii.ID_NUMBER), ("phone", phone, pii.PHONE)):
        started = time.process_time()
        tokens = [pii.encrypt(value) for _ in range(n)]
        enc = (time.process_time() - started) / n
        started = time.process_time()
        for token in tokens:
            pii.decrypt(token)
        dec = (time.process_time() - started) / n
        started = time.process_time()
        for _ in range(n):
            pii.blind_index(kind, value)
        hsh = (time.process_time() - started) / n
        rows.append((label, enc, dec, hsh, len(tokens[0])))
    print(f"{n} values each, CPU time of this process per value (load average {_load()})")
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
    p_seed.add_argument("--together", action="store_true", help="run the checkouts' seeds at the same time")
    p_values = sub.add_parser("values")
    p_values.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    if args.what == "seed":
        seed(args.tree or [ROOT], args.repeats, args.scale, args.together)
    else:
        values(args.n)


if __name__ == "__main__":
    main()
