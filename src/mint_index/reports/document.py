"""The Report object: rendered pages, written atomically and only inside their folder.

``mi.report(res)`` prepares the data once (:func:`.context.prepare`); the overview is
built and rendered on first use, profiles on demand or all at once by
:meth:`Report.write`, which can spread them over processes (``jobs=N``): the workers share
the prepared data with the parent (:mod:`mint_index.workers`: forked, copy-on-write, N
capped by CPUs and memory) and render whole chunks of municipalities, so ten thousand
profiles take seconds, while the parent builds the overview.
"""

from __future__ import annotations

import gc
import inspect
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from html import escape
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.errors import ReportError
from mint_index.files import atomic_folder, atomic_write, safe_join, write_fresh
from mint_index.provenance import (
    PROVENANCE_FILE,
    build_provenance,
    tool_provenance,
    write_folder_provenance,
)
from mint_index.reports.audit_section import audit_context, uncertainty_context
from mint_index.reports.context import (
    ReportData,
    compare_context,
    overview_context,
    prepare,
    profile_context,
    profile_filename,
)
from mint_index.reports.effects_section import effects_data
from mint_index.reports.render import (
    PROFILE_TEMPLATE,
    environment,
    profile_views,
    render_comparison,
    render_overview,
    render_profile,
)
from mint_index.rules.formatting import check_lang
from mint_index.rules.languages import DEFAULT_LANGUAGE
from mint_index.workers import process_pool, worker_count

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = [
    "OVERVIEW_FILE",
    "PROFILE_FOLDER",
    "Report",
    "chosen_units",
    "compare_report",
    "report",
]

#: File name of the overview (or comparison) page inside a report folder.
OVERVIEW_FILE = "index.html"
#: Sub-folder of a report folder that holds one profile per unit.
PROFILE_FOLDER = "profiles"


def chosen_units(
    requested: Iterable[object], known: Iterable[object], where: str = "results"
) -> list[str]:
    """The units whose profiles are wanted: ``requested`` as text, in the order given, each
    once. Any id not among ``known`` is a :class:`~mint_index.errors.ReportError` naming
    all of them, sorted, and ``where`` they were looked for. The one check behind
    :meth:`Report.write` and the command line's ``--units-only``, which runs it on the
    data before the scoring so that a typo costs no time."""
    chosen = list(dict.fromkeys(map(str, requested)))
    unknown = sorted(set(chosen) - {str(u) for u in known})
    if unknown:
        raise ReportError(f"no such unit(s) in the {where}: {', '.join(unknown)}")
    return chosen


def _profile_path(folder: Path, unit_id: str) -> Path:
    return safe_join(folder, profile_filename(unit_id))  # refuses names leaving the folder


def _check_distinct_files(unit_ids: Sequence[str]) -> None:
    """One file per unit, also on case-insensitive file systems (cannot fail with
    :func:`profile_filename`; checked because a lost profile would go unnoticed)."""
    names: dict[str, str] = {}
    for unit_id in unit_ids:
        name = profile_filename(unit_id).lower()
        if name in names:
            raise ReportError(f"units {names[name]!r} and {unit_id!r} would share {name}")
        names[name] = unit_id


#: Units whose recommendation texts are written in one pass (a few tens of MB of text).
TEXT_CHUNK = 3000
#: Profiles whose figures are written in one pass (:func:`profile_views`).
VIEW_CHUNK = 200


@contextmanager
def _collected_per_chunk() -> Iterator[Callable[[], int]]:
    """Pause Python's cyclic garbage collector while profiles are rendered; what the body
    calls (the yielded function) after each chunk collects the objects made since.

    A chunk's contexts and views are hundreds of thousands of live containers. The
    collector, triggered by allocation counts, would scan them again and again (about a
    sixth of a page's time), although rendering makes no reference cycles
    (``tests/test_reports_document.py`` checks it); the collection after each chunk still
    frees any a future change might make, so memory stays bounded either way."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield lambda: gc.collect(0)
    finally:
        if was_enabled:
            gc.enable()


def _write_profiles(data: ReportData, folder: Path, unit_ids: Sequence[str]) -> list[str]:
    """Render and write the profiles of ``unit_ids`` into ``folder``, a folder being built
    (never seen by a reader before it is swapped in whole, so no file needs its own
    temporary copy); return each page's SHA-256, in the order of ``unit_ids``."""
    digests: list[str] = []
    with _collected_per_chunk() as collect:
        for a in range(0, len(unit_ids), TEXT_CHUNK):
            chunk = unit_ids[a : a + TEXT_CHUNK]
            if data.recommendations is not None:
                data.recommendations.prefetch([data.unit_position(u) for u in chunk])
            for b in range(0, len(chunk), VIEW_CHUNK):
                batch = chunk[b : b + VIEW_CHUNK]
                contexts = [profile_context(data, unit_id) for unit_id in batch]
                views = profile_views(contexts)
                for unit_id, ctx, view in zip(batch, contexts, views, strict=True):
                    html = render_profile(ctx, link_overview=True, view=view)
                    digests.append(write_fresh(_profile_path(folder, unit_id), html))
                del contexts, views
                collect()
    return digests


#: Fewest profiles in a chunk, so that a chunk's passes over its units (the
#: recommendation texts, the figures) stay worth their fixed cost. Not tuned: with 100 the
#: two P3 workers finished within 0.08 s of each other at the same CPU time.
MIN_CHUNK = 100
#: Strides of the interleaved order the chunks are cut from.
_STRIDES = 64


def profile_chunks(units: Sequence[str], jobs: int) -> list[list[str]]:
    """``units`` in chunks for ``jobs`` workers, largest first: each chunk is the
    ``2 * jobs``-th part of the units not yet given out (at least :data:`MIN_CHUNK`).

    The workers take the chunks as they become free, so the last, small ones even out
    what slowed one worker down (the overview the parent renders meanwhile, a busy
    core), and the workers finish close together. The chunks are cut from an interleaved
    order (every 64th unit, then the next stride, ...), so that each holds small and large
    units alike."""
    order = [u for k in range(_STRIDES) for u in units[k::_STRIDES]]
    chunks, start = [], 0
    while start < len(order):
        size = max(MIN_CHUNK, (len(order) - start) // (2 * jobs))
        chunks.append(order[start : start + size])
        start += size
    return chunks


_WORKER: dict[str, Any] = {}


def _init_worker(data: ReportData, folder: Path) -> None:
    _WORKER["data"], _WORKER["folder"] = data, folder


def _worker_chunk(unit_ids: list[str]) -> list[str]:
    return _write_profiles(_WORKER["data"], _WORKER["folder"], unit_ids)


class Report:
    """A report: an overview with one profile per unit, or a year-on-year comparison.

    ``.html`` is the main page as a string, ``.to_html(path)`` writes it as one
    self-contained file, ``.write(folder)`` writes the main page as ``index.html``, (for
    overviews) every unit's profile into ``profiles/`` and ``provenance.json``.
    ``.profile(unit)`` renders one profile; ``.context`` is the plain data behind the main
    page; ``.provenance`` is what produced it, as ``provenance.json`` lists it.
    """

    def __init__(
        self,
        kind: str,
        context: dict[str, Any] | Callable[[], dict[str, Any]],
        data: ReportData | None = None,
        provenance: dict[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        self.provenance: dict[str, Any] = dict(provenance or tool_provenance())
        self._context = context if isinstance(context, dict) else None
        self._make_context = None if isinstance(context, dict) else context
        self.data = data
        self._html: str | None = None

    @property
    def context(self) -> dict[str, Any]:
        """The plain data behind the main page. An overview's is built on first use, so
        that :meth:`write` builds it while the workers already render the profiles."""
        if self._context is None:
            assert self._make_context is not None
            self._context, self._make_context = self._make_context(), None
        return self._context

    @property
    def lang(self) -> str:
        return self.data.lang if self.data is not None else str(self.context["lang"])

    @property
    def unit_ids(self) -> list[str]:
        return [] if self.data is None else list(self.data.unit_ids)

    def _render_main(self, link_profiles: bool) -> str:
        if self.kind == "comparison":
            return render_comparison(self.context)
        return render_overview(self.context, link_profiles=link_profiles)

    @property
    def html(self) -> str:
        """The main page (overview or comparison) as one self-contained HTML document."""
        if self._html is None:
            self._html = self._render_main(link_profiles=False)
        return self._html

    def profile_context(self, unit_id: str) -> dict[str, Any]:
        if self.data is None:
            raise ReportError("a comparison report has no municipality profiles")
        return profile_context(self.data, unit_id)

    def profile(self, unit_id: str) -> str:
        """One municipality's profile as a self-contained HTML document."""
        return render_profile(self.profile_context(unit_id))

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the main page to ``path`` (one file, written atomically)."""
        target = Path(path)
        if target.is_dir():
            raise ReportError(f"{target} is a folder; use .write(folder) for a report folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, self.html)
        return target

    def write(
        self,
        folder: str | os.PathLike[str],
        jobs: int = 1,
        units: Sequence[str] | None = None,
        *,
        force: bool = False,
        atomic: bool = True,
        provenance: dict[str, Any] | None = None,
    ) -> list[Path]:
        """Write ``index.html``, one profile per unit in ``profiles/`` and
        ``provenance.json``: :attr:`provenance` (or the ``provenance`` given: the command
        line's block, which names the command and every file it read) and every page
        with its SHA-256 (docs/reports.md).

        ``jobs`` > 1 renders the profiles in that many processes. ``units`` writes only
        those units' profiles; the overview then links to none (the others do not exist).
        Returns the paths written, the main page first and ``provenance.json`` last.

        The folder is built beside ``folder`` and swapped in whole
        (:func:`mint_index.files.atomic_folder`): an interrupted write leaves the previous
        report as it was. A non-empty folder mint-index did not write is refused
        (:class:`~mint_index.errors.OutputError`) unless ``force``, which adds the report
        and leaves the other files alone. ``atomic=False`` writes straight into
        ``folder``, for a caller that is itself building a fresh folder to swap in.
        """
        block = self.provenance if provenance is None else provenance
        if not atomic:
            return self._write_into(Path(folder), jobs, units, Path(folder), block)
        with atomic_folder(folder, force=force) as root:
            return self._write_into(root, jobs, units, Path(folder), block)

    def _write_into(
        self,
        root: Path,
        jobs: int,
        units: Sequence[str] | None,
        named_in: Path,
        block: dict[str, Any],
    ) -> list[Path]:
        """Write the report into ``root``; the paths returned are those the files will
        have in ``named_in`` (the folder ``root`` becomes), listed while the workers
        render (ten thousand paths take a parent's tenth of a second)."""
        main = root / OVERVIEW_FILE
        if self.data is None:
            atomic_write(main, self._render_main(link_profiles=False))
            write_folder_provenance(root, block, [main])
            return [named_in / OVERVIEW_FILE, named_in / PROVENANCE_FILE]
        link_profiles = units is None
        known = list(self.data.unit_ids)
        units = known if units is None else chosen_units(units, known)
        _check_distinct_files(units)
        profiles = root / PROFILE_FOLDER
        profiles.mkdir(parents=True, exist_ok=True)
        jobs = worker_count(int(jobs), len(units) // 2)  # capped by CPUs and memory

        def paths() -> list[Path]:
            shown = named_in / PROFILE_FOLDER
            pages = (_profile_path(shown, u) for u in units)
            return [named_in / OVERVIEW_FILE, *pages, named_in / PROVENANCE_FILE]

        def names(order: Sequence[str]) -> list[str]:
            return [f"{PROFILE_FOLDER}/{profile_filename(u)}" for u in order]

        def write_provenance(names: list[str], digests: Sequence[str]) -> None:
            if len(digests) != len(units):
                raise ReportError(f"wrote {len(digests)} of {len(units)} profiles")
            hashed = dict(zip(names, digests, strict=True))
            write_folder_provenance(root, block, [main], hashed)

        if jobs == 1:
            atomic_write(main, self._render_main(link_profiles))
            write_provenance(names(units), _write_profiles(self.data, profiles, units))
            return paths()
        chunks = profile_chunks(units, jobs)
        # compiled once here (the process keeps it), not once in each forked worker
        environment(self.data.lang).get_template(PROFILE_TEMPLATE)
        with process_pool(jobs, _init_worker, (self.data, profiles)) as pool:
            written = pool.map(_worker_chunk, chunks)  # the workers start at once...
            atomic_write(main, self._render_main(link_profiles))  # ...beside the overview
            listed, named = paths(), names(list(chain.from_iterable(chunks)))
            digests = list(chain.from_iterable(written))
        write_provenance(named, digests)
        return listed

    def _repr_html_(self) -> str:
        # An iframe keeps the report's stylesheet from restyling the notebook.
        title = escape(f"mint-index {self.kind}")
        return (
            f'<iframe title="{title}" srcdoc="{escape(self.html, quote=True)}" '
            'style="width:100%;height:640px;border:1px solid #ccc"></iframe>'
        )

    def __repr__(self) -> str:
        c = self.context
        if self.kind == "comparison":
            return (
                f"Report(comparison {c['year_before']} -> {c['year_after']}, "
                f"{c['counts']['both']} units, lang={self.lang!r})"
            )
        return f"Report(overview {c['year']}, {c['counts']['units']} units, lang={self.lang!r})"


def _check_results(results: Any, what: str = "results") -> None:
    needed = ("cube", "ranks", "flags", "framework", "spec", "units")
    # looked up statically: hasattr would build (and keep) the tidy ranks and flags
    # tables of every year, seconds and hundreds of MB at national size
    missing = object()
    if any(inspect.getattr_static(results, name, missing) is missing for name in needed):
        raise ReportError(
            f"{what} must be a mint_index Results object (from mi.score), "
            f"got {type(results).__name__}"
        )


def report(
    results: Results,
    recommendations: Any = None,
    lang: str = DEFAULT_LANGUAGE,
    *,
    uncertainty: Any = None,
    year: int | None = None,
    audit: Any = None,
    measures: Any = None,
) -> Report:
    """A report of ``results`` for ``year`` (default: the latest): overview and profiles.

    ``recommendations`` (from ``mi.recommend``) adds ranked measures to the profiles;
    ``uncertainty`` (from ``mi.uncertainty``) adds rank intervals and, in the
    methodology, what was varied; ``audit`` (from ``mi.audit`` for the report's year)
    adds a statistical audit section to the overview; ``measures`` (a register from
    ``mi.load_measures``, a DataFrame or a CSV/Excel file) adds the section "Effect of
    measures" to the overview (pooled per measure) and to every profile (the unit's
    measures with a before/after chart), estimated by ``mi.effects``.
    """
    _check_results(results)
    try:
        check_lang(lang)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    data = prepare(results, lang, year, recommendations, uncertainty)
    if measures is not None:
        rules = getattr(recommendations, "ruleset", None)
        data.effects = effects_data(results, measures, lang, rules)
    extra = {
        "audit": None if audit is None else audit_context(audit, data),
        "uncertainty": None if uncertainty is None else uncertainty_context(uncertainty),
    }
    rules_sha256 = getattr(getattr(recommendations, "ruleset", None), "sha256", None)
    provenance = build_provenance(results, rules_sha256)
    return Report("overview", lambda: overview_context(results, data) | extra, data, provenance)


def compare_report(
    before: Results,
    after: Results,
    lang: str = DEFAULT_LANGUAGE,
    *,
    year_before: int | None = None,
    year_after: int | None = None,
) -> Report:
    """A year-on-year report: ``before`` and ``after`` (their latest years by default)."""
    _check_results(before, "before")
    _check_results(after, "after")
    try:
        check_lang(lang)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    context = compare_context(before, after, lang, year_before, year_after)
    provenance = {
        **tool_provenance(),
        "before": build_provenance(before),
        "after": build_provenance(after),
    }
    return Report("comparison", context, provenance=provenance)
