"""The workloads and their targets (issues 9 and 17), each run in its own worker process.

A workload function takes the sizes to use and returns one or more :class:`Row`. When a
part of the library it needs has not landed yet, it raises :class:`NotAvailable` and the
suite shows "not available yet" with the reason - never a pass.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bare_numpy
from data import large_dataset
from measure import Memory, peak_tracker, time_runs, traced_peak

__all__ = ["FULL", "QUICK", "WORKLOADS", "NotAvailable", "Row", "Sizes"]

GIB = 1024**3

MET, MISSED, NOT_AVAILABLE, ERROR, INFO = "met", "missed", "not available yet", "error", "info"
NOT_RUN = "not run"


class NotAvailable(Exception):
    """A part of mint-index that the workload needs has not landed yet."""


@dataclass(frozen=True)
class Sizes:
    units: int  # municipalities (P0, P1, P3, P4)
    years: int  # years of the panel (P1, P6)
    big_units: int  # P2
    profiles: int  # P3: units in the report
    replications: int  # P4
    uncertainty_units: int  # P4
    genesis_units: int  # P6
    genesis_variables: int  # P6
    repeats: int  # timed runs of the fast workloads
    slow_repeats: int  # timed runs of the slow ones (P3, P4)
    cold_starts: int  # P5: fresh interpreters per command
    budget_s: float  # fewer timed runs once they have taken this long
    warmup: int  # untimed runs first (lazy imports, caches)
    detail: bool  # also: tracemalloc peaks and a breakdown of P1 (extra runs)
    coinr_units: int = 10_786  # COINr comparison
    coinr_indicators: int = 40


FULL = Sizes(10_786, 10, 100_000, 10_786, 1000, 10_786, 10_786, 50, 7, 3, 15, 120.0, 1, True)
QUICK = Sizes(400, 3, 5_000, 50, 20, 500, 500, 50, 3, 1, 3, 3.0, 0, False, 500, 40)


@dataclass
class Row:
    """One line of the results table."""

    id: str
    workload: str
    target: str
    status: str
    median_s: float | None = None
    runs_s: list[float] = field(default_factory=list)
    peak_rss_bytes: int | None = None
    baseline_rss_bytes: int | None = None
    rss_includes_setup: bool | None = None
    children_peak_rss_bytes: int | None = None
    alloc_peak_bytes: int | None = None
    note: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    def with_memory(self, memory: Memory) -> Row:
        self.peak_rss_bytes = memory.peak_rss
        self.baseline_rss_bytes = memory.baseline_rss
        self.rss_includes_setup = memory.includes_setup
        self.children_peak_rss_bytes = memory.children_peak_rss
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---- helpers ---------------------------------------------------------------------------


def _api(name: str) -> Any:
    """``mint_index.<name>``, or NotAvailable if that part has not landed yet."""
    import mint_index as mi

    try:
        return getattr(mi, name)
    except (AttributeError, ImportError) as exc:
        raise NotAvailable(f"mi.{name} has not landed ({type(exc).__name__}: {exc})") from None


def _verdict(ok: bool) -> str:
    return MET if ok else MISSED


def _gib(n: int | None) -> str:
    return "?" if n is None else f"{n / GIB:.2f} GiB"


def _default_framework():
    import mint_index as mi

    return mi.default_framework()


def _dataset(units: int, years: int):
    fw = _default_framework()
    return fw, large_dataset(units, years)


def _shape(fw, units: int, years: int) -> str:
    return f"{units:,} units x {len(fw.indicators)} indicators x {years} year(s)"


def _timed(func: Callable[[], Any], sizes: Sizes, repeats: int, **kw: Any):
    kw.setdefault("warmup", sizes.warmup)
    with peak_tracker() as tracker:
        timing = time_runs(func, repeats, budget_s=sizes.budget_s, **kw)
    return timing, tracker.memory


# ---- COINr: the same index built by COINr in the same run ------------------------------

COINR_TARGET = 150.0  # at least this many times faster than COINr
COINR_TOLERANCE = 1e-9


def coinr(sizes: Sizes) -> list[Row]:
    import coinr as reference

    import mint_index as mi

    what = (
        f"score {sizes.coinr_units:,} units x {sizes.coinr_indicators} indicators, "
        "min-max + arithmetic mean, vs COINr 1.1.14 in one run (`mi.score`)"
    )
    target = f">= {COINR_TARGET:.0f}x faster than COINr, results equal to {COINR_TOLERANCE:g}"
    version = reference.coinr_available()
    if version is None:
        return [Row("COINr", what, target, NOT_RUN, note="R/COINr not available")]
    idata, imeta = reference.coinr_tables(sizes.coinr_units, sizes.coinr_indicators)
    fw, data = mi.read_coinr(idata, imeta, year=2024)

    def build() -> Any:  # from COINr's tables, as new_coin starts from them
        fw, data = mi.read_coinr(idata, imeta, year=2024)
        return mi.score(data, fw)

    timing, memory = _timed(lambda: mi.score(data, fw), sizes, sizes.repeats)
    builds = time_runs(build, sizes.repeats, budget_s=sizes.budget_s)
    folder = Path(tempfile.mkdtemp(prefix="mint-bench-coinr-"))
    try:
        theirs = reference.run_coinr(idata, imeta, folder, sizes.slow_repeats)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    mine = build().scores.xs(2024, level="year")
    expected = theirs.aggregated.set_index("uCode").reindex(mine.index)[mine.columns]
    expected_values = expected.to_numpy(dtype=np.float64)
    diff = np.abs(mine.to_numpy() - expected_values)
    same = bool(
        np.array_equal(np.isnan(mine.to_numpy()), np.isnan(expected_values))
        and np.nanmax(diff) <= COINR_TOLERANCE
    )
    their_score = statistics.median(theirs.score_runs_s)
    their_build = statistics.median(theirs.build_runs_s)
    ratio = their_score / timing.median
    build_ratio = their_build / builds.median
    return [
        Row(
            "COINr",
            what,
            target,
            _verdict(ratio >= COINR_TARGET and same),
            median_s=timing.median,
            runs_s=timing.runs,
            note=f"COINr {theirs.version} scoring (Normalise + Aggregate) {their_score:.2f} s: "
            f"{ratio:.0f}x faster; from the tables (read_coinr + score {builds.median:.2f} s "
            f"vs new_coin + scoring {their_build:.2f} s): {build_ratio:.0f}x; results "
            f"{'equal' if same else 'DIFFER'} (max difference {np.nanmax(diff):.1e}, "
            f"{mine.shape[1]} nodes)",
            values={
                "coinr_version": theirs.version,
                "coinr_score_runs_s": theirs.score_runs_s,
                "coinr_build_runs_s": theirs.build_runs_s,
                "build_runs_s": builds.runs,
                "ratio": ratio,
                "build_ratio": build_ratio,
                "max_abs_difference": float(np.nanmax(diff)),
                "same": same,
            },
        ).with_memory(memory)
    ]


# ---- P0: pipeline against bare numpy ----------------------------------------------------

P0_STEPS = {
    "denominate": "none",
    "screen": "none",
    "impute": "none",
    "treat": "none",
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic", "min_share": 0.5},
}


#: Issue 17's targets.
P0_RATIO = 2.0
P1_SECONDS, P1_BYTES = 1.5, 1.5 * GIB
P3_SECONDS, P3_BYTES = 10.0, 2 * GIB
P4_SECONDS = 3.0


def p0(sizes: Sizes) -> list[Row]:
    import mint_index as mi

    fw, data = _dataset(sizes.units, 1)
    spec = mi.BuildSpec.model_validate({"framework": fw, **P0_STEPS})
    weight = mi.Plan.resolve(spec).weight
    plan = bare_numpy.compile_plan(fw, data.variables, weight, min_share=0.5)
    raw = data.values

    mi.score(data, spec), bare_numpy.score(raw, plan)  # warm-up: lazy imports, caches
    pipe_runs: list[float] = []
    bare_runs: list[float] = []
    with peak_tracker() as tracker:  # the pipeline's peak; the bare run needs far less
        for _ in range(sizes.repeats):  # interleaved, so noise hits both alike
            start = time.perf_counter()
            mi.score(data, spec)
            pipe_runs.append(time.perf_counter() - start)
            start = time.perf_counter()
            bare_numpy.score(raw, plan)
            bare_runs.append(time.perf_counter() - start)
    memory = tracker.memory
    same = bool(
        np.allclose(
            mi.score(data, spec).cube("aggregated"),
            bare_numpy.score(raw, plan),
            rtol=1e-9,
            atol=1e-9,
            equal_nan=True,
        )
    )
    pipe, ref = statistics.median(pipe_runs), statistics.median(bare_runs)
    ratio = pipe / ref
    row = Row(
        "P0",
        f"score one year: {_shape(fw, sizes.units, 1)}, min-max + arithmetic mean, all stages kept",
        f"<= {P0_RATIO:g} x bare numpy",
        _verdict(ratio <= P0_RATIO and same),
        median_s=pipe,
        runs_s=pipe_runs,
        note=f"bare numpy {ref * 1000:.1f} ms; ratio {ratio:.1f}x; "
        f"results {'identical' if same else 'DIFFER'} (rtol 1e-9)",
        values={"bare_median_s": ref, "bare_runs_s": bare_runs, "ratio": ratio, "same": same},
    ).with_memory(memory)
    if sizes.detail:
        row.alloc_peak_bytes = traced_peak(lambda: mi.score(data, spec))
    return [row]


# ---- P1: full pipeline on the national panel, and the memory-bound floor -------------


def p1(sizes: Sizes) -> list[Row]:
    import mint_index as mi

    fw, data = _dataset(sizes.units, sizes.years)
    what = (
        f"score: {_shape(fw, sizes.units, sizes.years)}, full pipeline incl. gaps and "
        "recommendations"
    )
    floor_timing = time_runs(lambda: np.add.reduce(data.values, axis=None), sizes.repeats * 3)
    floor = Row(
        "P1-floor",
        f"one pass over every input value ({data.values.size:,} float64, "
        f"{data.values.nbytes / 1e6:.0f} MB): sum",
        "(reference)",
        INFO,
        median_s=floor_timing.median,
        runs_s=floor_timing.runs,
    )
    target = f"<= {P1_SECONDS:g} s, <= {P1_BYTES / GIB:g} GiB; recommend no slower than scoring"
    try:
        recommend = _api("recommend")
    except NotAvailable as exc:
        score_only, memory = _timed(lambda: mi.score(data, fw), sizes, sizes.repeats)
        row = Row(
            "P1",
            what,
            target,
            NOT_AVAILABLE,
            note=f"{exc}; score alone: {score_only.median:.3f} s, peak {_gib(memory.peak_rss)}",
            values={"score_only_median_s": score_only.median},
        )
        return [row, floor]

    def full() -> Any:
        # recommend() computes the gaps itself, so this is the whole chain
        return recommend(mi.score(data, fw))

    timing, memory = _timed(full, sizes, sizes.repeats)
    scoring = time_runs(lambda: mi.score(data, fw), sizes.repeats, budget_s=sizes.budget_s)
    recommending = timing.median - scoring.median
    ratio = timing.median / floor_timing.median
    floor.note = f"pipeline / floor = {ratio:.0f}x"
    floor.values["pipeline_ratio"] = ratio
    row = Row(
        "P1",
        what,
        target,
        _verdict(
            timing.median <= P1_SECONDS
            and memory.peak_rss <= P1_BYTES
            and recommending <= scoring.median
        ),
        median_s=timing.median,
        runs_s=timing.runs,
        note=f"score {scoring.median:.2f} s, recommend about {recommending:.2f} s "
        f"(recommend / score {recommending / scoring.median:.1f}); {ratio:.0f}x the "
        "one-pass floor",
        values={
            "score_median_s": scoring.median,
            "score_runs_s": scoring.runs,
            "recommend_s": recommending,
        },
    ).with_memory(memory)
    if sizes.detail and timing.median < 30:  # tracing a run of minutes would take long
        row.alloc_peak_bytes = traced_peak(full)
    return [row, floor]


# ---- P2: EU scale, one year ---------------------------------------------------------------


def p2(sizes: Sizes) -> list[Row]:
    import mint_index as mi

    fw, data = _dataset(sizes.big_units, 1)
    timing, memory = _timed(lambda: mi.score(data, fw), sizes, sizes.repeats)
    row = Row(
        "P2",
        f"score: {_shape(fw, sizes.big_units, 1)}",
        "<= 1.5 s, <= 2 GiB",
        _verdict(timing.median <= 1.5 and memory.peak_rss <= 2 * GIB),
        median_s=timing.median,
        runs_s=timing.runs,
    ).with_memory(memory)
    if sizes.detail:
        row.alloc_peak_bytes = traced_peak(lambda: mi.score(data, fw))
    return [row]


# ---- P3: reports ------------------------------------------------------------------------


def p3(sizes: Sizes) -> list[Row]:
    report, recommend = _api("report"), _api("recommend")
    import mint_index as mi

    fw, data = _dataset(sizes.profiles, sizes.years)
    res = mi.score(data, fw)
    recs = recommend(res)
    out = Path(tempfile.mkdtemp(prefix="mint-bench-p3-"))
    folders: list[Path] = []

    def write() -> Any:
        # Each run writes a new folder, and none is deleted before the last run has
        # ended. On ext4 without a journal (this benchmark's 2-core VM), the kernel skips
        # inodes freed in the last 60 s (360 s while their inode-table block is unwritten)
        # when it allocates one; deleting the previous run's 10,787 files right before a
        # run made each new file scan past them (about 0.5 ms of system time a file),
        # which a town's yearly report, written once into a new folder, never meets.
        folders.append(out / f"report-{len(folders)}")
        return report(res, recs).write(folders[-1], jobs=2)

    try:
        timing, memory = _timed(write, sizes, sizes.slow_repeats, warmup=0)
        folder = folders[-1]
        files = sum(1 for _ in folder.rglob("*.html"))
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    # the inputs (Results of ten years with every stage, recommendations) are part of the
    # peak; the note shows them and what the report adds on top
    inputs = memory.baseline_rss
    added = (
        ""
        if inputs is None
        else f"; inputs {_gib(inputs)}, report adds {_gib(memory.peak_rss - inputs)}"
    )
    return [
        Row(
            "P3",
            f"report: overview + {sizes.profiles:,} profiles ({sizes.years} years), 2 processes",
            f"<= {P3_SECONDS:g} s, <= {P3_BYTES / GIB:g} GiB",
            _verdict(
                timing.median <= P3_SECONDS
                and max(memory.peak_rss, memory.children_peak_rss or 0) <= P3_BYTES
            ),
            median_s=timing.median,
            runs_s=timing.runs,
            note=f"{files:,} HTML files, {size / 1e6:.0f} MB{added}",
            values={"html_files": files, "bytes": size},
        ).with_memory(memory)
    ]


# ---- P4: uncertainty ----------------------------------------------------------------------

#: The issue's example, except that z-scores (mean 10, sd 2) are replaced by ranks: on
#: the skewed synthetic data a few z-scores fall below 0 and the geometric mean rightly
#: refuses them (SpecError), which would end the run.
P4_VARY = {
    "weights": 0.25,
    "normalise": [{"method": "minmax", "range": [1, 100]}, {"method": "rank"}],
    "aggregate": [{"method": "arithmetic"}, {"method": "geometric"}],
}


def p4(sizes: Sizes) -> list[Row]:
    uncertainty = _api("uncertainty")
    import mint_index as mi

    fw, data = _dataset(sizes.uncertainty_units, 1)
    res = mi.score(data, fw)

    def run() -> Any:
        return uncertainty(res, n=sizes.replications, vary=P4_VARY, seed=1)

    timing, memory = _timed(run, sizes, sizes.slow_repeats)
    return [
        Row(
            "P4",
            f"uncertainty: {sizes.replications:,} replications, "
            f"{_shape(fw, sizes.uncertainty_units, 1)} (weights +-25 %, 2 normalisations, "
            "2 aggregations)",
            f"<= {P4_SECONDS:g} s",
            _verdict(timing.median <= P4_SECONDS),
            median_s=timing.median,
            runs_s=timing.runs,
        ).with_memory(memory)
    ]


# ---- P5: start-up -------------------------------------------------------------------------

_IMPORT_TIMER = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"


def _cold(code: str) -> float:
    """Seconds an import takes in a fresh interpreter (measured inside it)."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env()
    )
    return float(out.stdout.strip().splitlines()[-1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("mint-index")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mint_index.cli"]


def p5(sizes: Sizes) -> list[Row]:
    mine, ref = [], []
    for _ in range(sizes.cold_starts):  # interleaved, so noise hits both alike
        mine.append(_cold(_IMPORT_TIMER.format("mint_index")))
        ref.append(_cold(_IMPORT_TIMER.format("pandas, numpy, pydantic, yaml")))
    ratio = statistics.median(mine) / statistics.median(ref)
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, mint_index; print(' '.join(sorted(m for m in "
            "('matplotlib', 'jinja2', 'scipy', 'pyarrow', 'openpyxl') if m in sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    ).stdout.strip()
    rows = [
        Row(
            "P5a",
            "cold `import mint_index`",
            "<= 1.2 x `import pandas, numpy, pydantic, yaml`",
            _verdict(ratio <= 1.2),
            median_s=statistics.median(mine),
            runs_s=mine,
            note=f"reference {statistics.median(ref) * 1000:.0f} ms; ratio {ratio:.2f}"
            + (f"; heavy modules imported: {heavy}" if heavy else ""),
            values={
                "reference_median_s": statistics.median(ref),
                "reference_runs_s": ref,
                "ratio": ratio,
                "heavy_imported": heavy.split(),
            },
        )
    ]

    cli = _cli()
    walls = []
    for _ in range(sizes.cold_starts):
        start = time.perf_counter()
        subprocess.run([*cli, "--help"], capture_output=True, check=True, env=_env())
        walls.append(time.perf_counter() - start)
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv = ['mint-index', '--help']\n"
            "from mint_index.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('PANDAS', 'pandas' in sys.modules, file=sys.stderr)",
        ],
        capture_output=True,
        text=True,
        env=_env(),
    )
    pandas_loaded = "PANDAS True" in probe.stderr
    wall = statistics.median(walls)
    bare = []
    for _ in range(sizes.cold_starts):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=_env())
        bare.append(time.perf_counter() - start)
    rows.append(
        Row(
            "P5b",
            "`mint-index --help` (whole process, wall clock)",
            "<= 0.25 s, no pandas imported",
            _verdict(wall <= 0.25 and not pandas_loaded),
            median_s=wall,
            runs_s=walls,
            note=("pandas imported!" if pandas_loaded else "pandas not imported")
            + f"; a bare `python -c pass` takes {statistics.median(bare) * 1000:.0f} ms",
            values={
                "pandas_imported": pandas_loaded,
                "command": cli,
                "bare_interpreter_median_s": statistics.median(bare),
            },
        )
    )
    return rows


# ---- P6: loading a GENESIS export ----------------------------------------------------------


def p6(sizes: Sizes) -> list[Row]:
    load_data = _api("load_data")
    try:
        from mint_index.data.genesis import read_genesis  # noqa: F401
    except ImportError:
        raise NotAvailable("the GENESIS reader (mint_index.data.genesis) has not landed") from None
    from genesis_csv import write_genesis_csv

    folder = Path(tempfile.mkdtemp(prefix="mint-bench-p6-"))
    try:
        path = folder / "12411-99-99-5.csv"
        cells = write_genesis_csv(
            path, sizes.genesis_units, sizes.genesis_variables, sizes.years, seed=0
        )
        timing, memory = _timed(lambda: load_data(path), sizes, sizes.repeats)
        size = path.stat().st_size
        loaded = load_data(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    n_y, n_u, n_v = loaded.shape
    ok_shape = (n_y, n_u, n_v) == (sizes.years, sizes.genesis_units, sizes.genesis_variables)
    row = Row(
        "P6",
        f"load: GENESIS CSV, {sizes.genesis_units:,} municipalities x "
        f"{sizes.genesis_variables} variables x {sizes.years} years",
        "<= 2 s",
        _verdict(timing.median <= 2 and ok_shape),
        median_s=timing.median,
        runs_s=timing.runs,
        note=f"{size / 1e6:.0f} MB, {cells:,} cells; read shape {n_y}x{n_u}x{n_v}"
        + ("" if ok_shape else " (WRONG)"),
    ).with_memory(memory)
    return [row]


#: Workload id -> the function that runs it in a worker process.
WORKLOADS: dict[str, Callable[[Sizes], list[Row]]] = {
    "COINr": coinr,
    "P0": p0,
    "P1": p1,
    "P2": p2,
    "P3": p3,
    "P4": p4,
    "P5": p5,
    "P6": p6,
}
