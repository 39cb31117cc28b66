"""Run the mint-index benchmark suite: ``python benchmarks/run.py [--quick] [--json FILE]``.

Every workload (COINr, P0-P6, see workloads.py and the README here) runs in a fresh worker
process, so that one workload's memory and caches cannot pollute the next. The suite
prints a Markdown table - workload, median of several runs, peak memory, target, met or
missed - and writes the same as JSON with every single run and the machine it ran on.

``--quick`` uses small sizes (about 30 s in all) so CI can check that the suite still
runs; its verdicts against the full-size targets are indicative only. The exit code is
1 when a workload crashed (or, with ``--strict``, missed its target), else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

_RESULT = "BENCHMARK-RESULT:"
MIB = 1024**2


def _worker(workload: str, quick: bool) -> int:
    """Run one workload in this process and print its rows as JSON."""
    import traceback

    from workloads import ERROR, FULL, NOT_AVAILABLE, QUICK, WORKLOADS, NotAvailable, Row

    sizes = QUICK if quick else FULL
    try:
        rows = [r.as_dict() for r in WORKLOADS[workload](sizes)]
    except NotAvailable as exc:
        rows = [Row(workload, "-", "-", NOT_AVAILABLE, note=str(exc)).as_dict()]
    except Exception as exc:  # report, don't hide: the table shows it as an error
        traceback.print_exc()
        rows = [Row(workload, "-", "-", ERROR, note=f"{type(exc).__name__}: {exc}").as_dict()]
    for row in rows:
        row["data_generator"] = "examples/generate_large.py"
    print(_RESULT + json.dumps(rows), flush=True)
    return 0


def _spawn(workload: str, quick: bool, timeout: float) -> list[dict[str, Any]]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", workload]
    if quick:
        cmd.append("--quick")
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [_error(workload, f"worker timed out after {timeout:.0f} s")]
    elapsed = time.perf_counter() - start
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(_RESULT):
            rows = json.loads(line[len(_RESULT) :])
            for row in rows:
                row["worker_wall_s"] = elapsed
                if row["status"] == "error":
                    row["stderr_tail"] = proc.stderr[-2000:]
            return rows
    tail = (proc.stderr or proc.stdout)[-2000:]
    return [_error(workload, f"worker exited with code {proc.returncode}", tail)]


def _error(workload: str, note: str, tail: str = "") -> dict[str, Any]:
    return {
        "id": workload,
        "workload": "-",
        "target": "-",
        "status": "error",
        "note": note,
        "median_s": None,
        "peak_rss_bytes": None,
        "stderr_tail": tail,
    }


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
            ).stdout.strip()
            or None
        )
    except OSError:
        commit = None
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": cpus,
        "cpu_model": model,
        "memory_bytes": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "pandas": version("pandas"),
        "pydantic": version("pydantic"),
        "mint_index": version("mint-index"),
        "commit": commit,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _memory(row: dict[str, Any]) -> str:
    peak = row.get("peak_rss_bytes")
    if peak is None:
        return "-"
    text = f"{peak / MIB:,.0f} MiB"
    if row.get("alloc_peak_bytes") is not None:
        text += f" (alloc {row['alloc_peak_bytes'] / MIB:,.0f})"
    if row.get("rss_includes_setup"):
        text += " incl. set-up"
    return text


def table(rows: list[dict[str, Any]]) -> str:
    """The results as a Markdown table."""
    head = ["id", "workload", "median", "peak RSS (alloc) ", "target", "result", "notes"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        status = r["status"]
        shown = f"**{status}**" if status in ("missed", "error", "not available yet") else status
        cells = [
            r["id"],
            r["workload"],
            _seconds(r.get("median_s")),
            _memory(r),
            r["target"],
            shown,
            r.get("note", ""),
        ]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def verdicts(rows: list[dict[str, Any]]) -> str:
    """One line: which workloads met their targets, which missed, which did not run."""
    by_status: dict[str, list[str]] = {}
    for r in rows:
        if r["status"] != "info":
            by_status.setdefault(r["status"], []).append(r["id"])
    return "targets: " + "; ".join(f"{s}: {', '.join(ids)}" for s, ids in by_status.items())


def main(argv: list[str] | None = None) -> int:
    from workloads import WORKLOADS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (CI)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON here")
    parser.add_argument("--only", metavar="IDS", help="comma-separated workloads, e.g. P0,P5")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args.worker, args.quick)

    chosen = list(WORKLOADS) if not args.only else [w.strip() for w in args.only.split(",")]
    unknown = [w for w in chosen if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; valid: {', '.join(WORKLOADS)}")
    timeout = 300.0 if args.quick else 3600.0
    info = machine()
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    for workload in chosen:
        print(f"running {workload} ...", file=sys.stderr, flush=True)
        rows.extend(_spawn(workload, args.quick, timeout))
    total = time.perf_counter() - start

    generators = sorted({r.get("data_generator") for r in rows if r.get("data_generator")})
    print(table(rows))
    print(
        f"\n{'quick sizes: verdicts are indicative only; ' if args.quick else ''}"
        f"data: {', '.join(generators) or '-'}; {info['cpus']} CPUs ({info['cpu_model']}), "
        f"{(info['memory_bytes'] or 0) / 1024**3:.0f} GiB; Python {info['python']}, "
        f"numpy {info['numpy']}, pandas {info['pandas']}; commit {info['commit']}; "
        f"suite took {total:.0f} s"
    )
    print(verdicts(rows))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"quick": args.quick, "machine": info, "suite_seconds": total, "rows": rows},
                indent=2,
            )
            + "\n"
        )
    for r in rows:
        if r["status"] == "error":
            print(f"\n{r['id']} failed: {r['note']}\n{r.get('stderr_tail', '')}", file=sys.stderr)
    failed = any(r["status"] == "error" for r in rows)
    missed = any(r["status"] == "missed" for r in rows)
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
