"""The framework model: what analysts write in YAML, as pydantic v2 models.

A framework is a tree: one index at the root, aggregate nodes (domains, dimensions, any
depth) in between, indicators at the leaves. Indicators are computed from declared raw
variables. Step specs (normalisation, imputation, ...) can be given as framework defaults,
on any node (inherited by everything below it) or on one indicator.

Structural checks that span the whole tree (unknown parents, cycles, duplicate ids,
unknown variables and methods) live in :mod:`mint_index.framework.checks`; this module
checks what one item can check on its own.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mint_index.rules.formatting import value_decimals
from mint_index.rules.languages import DEFAULT_LANGUAGE, check_language
from mint_index.rules.text import CONTROL_IN_TEXT

__all__ = [
    "Compute",
    "Defaults",
    "DirectCompute",
    "FrameworkFile",
    "FrameworkMeta",
    "Goalposts",
    "Indicator",
    "Level",
    "Node",
    "OfficialSource",
    "ParityCompute",
    "PeerGroups",
    "RatioCompute",
    "RatioPart",
    "SelfReportedSource",
    "Source",
    "StepSpec",
    "Target",
    "Text",
    "Transform",
    "UndeterminedSource",
    "Variable",
    "VariableSource",
]

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]


class _Strict(BaseModel):
    # allow_inf_nan=False: a weight, target or goalpost of inf or NaN (".inf", 1e309) is
    # an error naming its path, never a silent NaN index
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Text(_Strict):
    """A label or text in German and English; both are required, so a report is in one
    language from title to footnote."""

    de: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _both_languages(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(
                f"missing translation: give the text in German and English, "
                f"{{de: ..., en: ...}}, not only {value[:40]!r}"
            )
        return value

    @field_validator("de", "en")
    @classmethod
    def _no_control_characters(cls, value: str) -> str:
        # labels reach reports, CSV files and terminals: ESC, NUL and friends never belong
        if CONTROL_IN_TEXT.search(value):  # newline and tab are fine
            raise ValueError("control character (ESC, NUL, ...) in a text; remove it")
        return value

    def get(self, lang: str) -> str:
        """The text in ``lang``; an unknown language is an
        :class:`~mint_index.errors.UnknownLanguageError`, never silently English."""
        text: str = getattr(self, check_language(lang))
        return text


class StepSpec(BaseModel):
    """A pipeline step spec: ``method`` plus that method's parameters."""

    model_config = ConfigDict(extra="allow")
    method: str = Field(min_length=1)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Source(_Strict):
    publisher: str = Field(min_length=1)
    table: str | None = None
    url: str | None = None
    note: Text | None = None


class Goalposts(_Strict):
    """Absolute bounds for normalisation: ``lower`` maps to the worst, ``upper`` to the best
    score when higher is better (the other way round when lower is better)."""

    lower: float
    upper: float
    rationale: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Goalposts:
        if not self.lower < self.upper:
            raise ValueError(
                f"inverted goalposts: lower ({self.lower}) must be below upper ({self.upper})"
            )
        if math.isinf(self.upper - self.lower):  # -1e308 to 1e308: every score would be 0
            raise ValueError(
                f"goalposts too far apart: {self.lower} to {self.upper} spans more than a "
                "number can hold; give the range the indicator's values can take"
            )
        return self


class Target(_Strict):
    value: float
    source: Text | None = None
    note: Text | None = None


class Level(_Strict):
    """One answer level of a binary or ordinal indicator, scored in the MIPEX style."""

    value: float
    score: float = Field(ge=0, le=100)
    label: Text | None = None


#: The words that introduce the parts of an official source's detail.
_DETAIL_WORDS = {
    "de": {"row": "Zeile", "derive": "abzuleiten", "proxy": "Näherung"},
    "en": {"row": "row", "derive": "derive", "proxy": "proxy"},
}


class OfficialSource(_Strict):
    """A variable published by official statistics (Regionalstatistik, GENESIS-Online).

    ``label_path`` is the column's header labels, top to bottom, exactly as the export
    prints them but without the date row that gives the year; ``row`` a label in a row
    dimension (an age group, a school type) where the value sits in one row of the
    table. Where the table prints no column that *is* the variable, ``label_path`` is
    empty and ``derive`` says how to compute it (Germans = all minus foreigners); a
    reader maps a file's columns by table and label path only when ``label_path`` is
    given. ``proxy_for`` marks a stand-in: the official figure only approximates the
    framework's concept (foreign nationality for migration background) and says how.
    """

    type: Literal["official"]
    table: str = Field(
        pattern=r"^[0-9A-Z][0-9A-Za-z]*(-[0-9A-Za-z]+)*$",
        description="Table code: Regionalstatistik (12411-01-01-5) or GENESIS-Online (12521-0041).",
    )
    also_in: tuple[str, ...] = Field(
        default=(), description="Checked tables with the same column at another level."
    )
    label_path: tuple[str, ...] = ()
    row: str | None = None
    derive: Text | None = None
    level: Literal["Gemeinde", "Kreis", "Land", "Deutschland"] = Field(
        description="The finest regional level the table has."
    )
    reference_date: str | None = None
    previous_year: bool = Field(
        default=False,
        description="The variable of year Y is the table's figure dated in year Y - 1: a "
        "stock at the start of the year, which the table publishes as 31 December of the "
        "year before. A reader moves the column's values one year on.",
    )
    proxy_for: Text | None = Field(
        default=None,
        description="Set when the figure only approximates the variable: what it misses.",
    )
    note: Text | None = None

    @model_validator(mode="after")
    def _column_or_derivation(self) -> OfficialSource:
        if self.label_path and self.derive:
            raise ValueError("give label_path (a printed column) or derive, not both")
        if self.row is not None and not self.label_path:
            raise ValueError("row needs the label_path of the column it sits in")
        return self

    @property
    def database(self) -> str:
        """Where the table is published: GENESIS-Online codes end in four digits."""
        if self.table[:5].isdigit() and len(self.table) == 10 and self.table[6:].isdigit():
            return "GENESIS-Online"
        return "Regionalstatistik"

    @property
    def tables(self) -> tuple[str, ...]:
        """Every table code that has the column: ``table`` first, then ``also_in``."""
        return (self.table, *self.also_in)

    @property
    def mappable(self) -> bool:
        """Whether one printed column gives the variable (a reader can map it by label)."""
        return bool(self.label_path)

    @property
    def kind(self) -> str:
        return "official proxy" if self.proxy_for else "official"

    def where(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Table, database and finest level: ``12411-01-01-5 (Regionalstatistik, Gemeinde)``,
        the same in every language (``lang`` is checked all the same)."""
        check_language(lang)
        return f"{self.table} ({self.database}, {self.level})"

    def detail(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The column (label path and row) or the derivation, then proxy and notes, in
        ``lang`` (the label path is the table's own, German)."""
        words = _DETAIL_WORDS[check_language(lang)]
        parts = []
        if self.label_path:
            row = f"; {words['row']}: {self.row}" if self.row else ""
            parts.append(" > ".join(self.label_path) + row)
        if self.derive:
            parts.append(f"{words['derive']}: {self.derive.get(lang)}")
        if self.proxy_for:
            parts.append(f"{words['proxy']}: {self.proxy_for.get(lang)}")
        if self.note:
            parts.append(self.note.get(lang))
        return "; ".join(parts)


class SelfReportedSource(_Strict):
    """A figure no official statistic has: the town collects it itself.

    ``holder`` names who in the administration usually holds it (council office,
    integration office, ...), so a town knows whom to ask.
    """

    type: Literal["self_reported"]
    holder: Text
    note: Text | None = None

    kind: ClassVar[str] = "self-reported"

    def where(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.holder.get(lang)

    def detail(self, lang: str = DEFAULT_LANGUAGE) -> str:
        check_language(lang)
        return self.note.get(lang) if self.note else ""


class UndeterminedSource(_Strict):
    """No checked official source and no obvious holder in the town administration:
    ``note`` says what is known (e.g. a Land office's special evaluation)."""

    type: Literal["undetermined"]
    note: Text

    kind: ClassVar[str] = "undetermined"

    def where(self, lang: str = DEFAULT_LANGUAGE) -> str:
        check_language(lang)
        return "-"

    def detail(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.note.get(lang)


VariableSource = Annotated[
    OfficialSource | SelfReportedSource | UndeterminedSource, Field(discriminator="type")
]


class Variable(_Strict):
    """A raw variable as delivered in the data.

    ``unit`` drives validation: counts are non-negative, percentages lie in 0..100,
    shares in 0..1, codes are answer levels of binary or ordinal indicators. ``source``
    says where a town gets it (see :class:`OfficialSource`, :class:`SelfReportedSource`);
    a custom framework may leave it out.
    """

    id: Id
    unit: Literal["count", "percent", "share", "code", "number"]
    label: Text | None = None
    description: Text | None = None
    source: VariableSource | None = None


class RatioPart(_Strict):
    numerator: Id
    denominator: Id


#: Transforms of the computed value: ``ln`` (UNDP's HDI takes the natural log of GNI per
#: capita), ``log10``, ``sqrt``. Goalposts stay written on the raw scale, as publishers
#: state them, and are transformed with the values.
Transform = Literal["ln", "log10", "sqrt"]


class _Computed(_Strict):
    """``transform``: applied to the computed value (for ratio and parity indicators to the
    ratio or gap, not to its parts)."""

    transform: Transform | None = None


class DirectCompute(_Computed):
    type: Literal["direct"]
    variable: Id


class RatioCompute(_Computed):
    """``numerator / denominator * scale`` (scale 100 for a percentage, 1000 per 1,000)."""

    type: Literal["ratio"]
    numerator: Id
    denominator: Id
    scale: float = Field(default=1.0, gt=0)


class ParityCompute(_Computed):
    """The gap between a group's rate and a reference group's rate.

    ``difference``: (group rate - reference rate) * scale, in points (0 = parity);
    ``ratio``: group rate / reference rate (1 = parity).
    """

    type: Literal["parity"]
    group: RatioPart
    reference: RatioPart
    mode: Literal["difference", "ratio"] = "difference"
    scale: float = Field(default=100.0, gt=0)


Compute = Annotated[DirectCompute | RatioCompute | ParityCompute, Field(discriminator="type")]


class _Steps(_Strict):
    normalise: StepSpec | None = None
    impute: StepSpec | None = None
    treat: StepSpec | None = None


class Node(_Steps):
    """An aggregate node: the index, a domain, a dimension."""

    id: Id
    parent: Id | None = None
    label: Text
    description: Text | None = None
    weight: float = Field(default=1.0, ge=0)
    aggregate: StepSpec | None = None


class Indicator(_Steps):
    id: Id
    parent: Id
    name: Text
    description: Text
    unit: Text | Annotated[str, Field(min_length=1)] = Field(
        description="Unit of the indicator's value: a symbol such as '%' or a text in "
        "German and English, e.g. {de: je 1.000 Einwohner, en: per 1,000 inhabitants}."
    )
    direction: Literal["higher", "lower"]
    kind: Literal["rate", "per_capita", "count", "binary", "ordinal", "parity_gap"]
    compute: Compute
    levels: list[Level] | None = None
    goalposts: Goalposts | None = None
    target: Target | None = None
    min_denominator: float | None = Field(default=None, ge=0)
    denominator: Id | None = Field(
        default=None, description="Variable to divide by in the denominate step (COINr style)."
    )
    source: Source
    weight: float = Field(default=1.0, ge=0)

    @model_validator(mode="after")
    def _kind_fits_compute(self) -> Indicator:
        if self.kind == "parity_gap" and self.compute.type != "parity":
            raise ValueError("kind 'parity_gap' needs compute.type 'parity'")
        if self.compute.type == "parity" and self.kind != "parity_gap":
            raise ValueError("compute.type 'parity' needs kind 'parity_gap'")
        if self.kind == "ordinal" and not self.levels:
            raise ValueError("an ordinal indicator needs 'levels' (answer values and scores)")
        transform = self.compute.transform
        if transform is not None and self.answer_levels():
            raise ValueError("a transform does not apply to answer levels (binary, ordinal)")
        if transform is not None and self.goalposts is not None:
            lower = self.goalposts.lower
            if lower < 0 if transform == "sqrt" else lower <= 0:
                raise ValueError(
                    f"goalposts: lower ({self.goalposts.lower}) is outside the domain of "
                    f"transform {transform!r}; goalposts are written on the raw scale"
                )
        if self.levels is not None:
            if self.kind not in ("binary", "ordinal"):
                raise ValueError("'levels' only apply to binary and ordinal indicators")
            values = [level.value for level in self.levels]
            if len(set(values)) != len(values):
                raise ValueError("levels: duplicate answer values")
        return self

    def unit_label(self, lang: str) -> str:
        """The unit as shown in ``lang``."""
        return self.unit if isinstance(self.unit, str) else self.unit.get(lang)

    @property
    def unit_first(self) -> bool:
        """Whether the unit is read before the value, because it names what the number is
        rather than what it counts: answer levels ("Stufe 2", "level 2") and the ratio of
        a ratio parity ("Verhältnis 0,8", "ratio 0.8"). Such a unit never follows a number,
        and the parity gap of a ratio (ratio minus 1, a plain number) carries none."""
        return self.is_ratio or bool(self.answer_levels())

    @property
    def is_ratio(self) -> bool:
        """A parity measured as a ratio (1 = parity), not as a difference of rates."""
        return isinstance(self.compute, ParityCompute) and self.compute.mode == "ratio"

    def value_decimals(self, median: bool = False) -> int:
        """Decimals of this indicator's value, target, parity gap and interval as every
        report and text writes them (:func:`~mint_index.rules.formatting.value_decimals`;
        ``median``: of a peer median of the value)."""
        whole = bool(self.answer_levels()) or self.kind == "count"
        return value_decimals(whole, self.is_ratio, median)

    def gap_unit_label(self, lang: str) -> str:
        """The unit of the parity gap as shown in ``lang``: the value's own unit (a
        difference of rates is in percentage points), none where it is read first."""
        return "" if self.unit_first else self.unit_label(lang)

    @property
    def direction_sign(self) -> float:
        return 1.0 if self.direction == "higher" else -1.0

    def answer_levels(self) -> list[Level]:
        """Scored answer levels; a binary indicator without levels scores 0 -> 0, 1 -> 100."""
        if self.levels:
            return self.levels
        if self.kind == "binary":
            return [Level(value=0, score=0), Level(value=1, score=100)]
        return []

    def fractions(self) -> list[tuple[str, str]]:
        """``(numerator, denominator)`` of every rate the indicator is computed from: one for
        a ratio, the group's and the reference's for a parity gap, none for a direct value."""
        c = self.compute
        if isinstance(c, RatioCompute):
            return [(c.numerator, c.denominator)]
        if isinstance(c, DirectCompute):
            return []
        return [
            (c.group.numerator, c.group.denominator),
            (c.reference.numerator, c.reference.denominator),
        ]

    def variables(self) -> list[str]:
        """Raw variables this indicator is computed from, in a stable order."""
        c = self.compute
        out = (
            [c.variable]
            if isinstance(c, DirectCompute)
            else [v for f in self.fractions() for v in f]
        )
        if self.denominator:
            out.append(self.denominator)
        return list(dict.fromkeys(out))


class Defaults(_Strict):
    """Framework-wide step specs; anything not given uses the built-in default."""

    denominate: StepSpec | None = None
    screen: StepSpec | None = None
    impute: StepSpec | None = None
    treat: StepSpec | None = None
    normalise: StepSpec | None = None
    aggregate: StepSpec | None = None


class PeerGroups(_Strict):
    """How units are grouped for peer comparison.

    Either a column of the units table (``column``), or size classes derived from
    ``population`` with ``breaks`` (lower bounds of every class but the first) and one
    label per class.
    """

    column: str = "peer_group"
    breaks: list[float] | None = None
    labels: list[str] | None = None

    @model_validator(mode="after")
    def _labels_fit(self) -> PeerGroups:
        if self.breaks is not None:
            if sorted(self.breaks) != self.breaks or len(set(self.breaks)) != len(self.breaks):
                raise ValueError("breaks must be strictly increasing")
            if self.labels is None or len(self.labels) != len(self.breaks) + 1:
                raise ValueError("give one label per size class (len(breaks) + 1)")
        return self


class FrameworkMeta(_Strict):
    id: Id
    label: Text
    version: str = "1"
    description: Text | None = None


class FrameworkFile(_Strict):
    """One YAML file of a framework. A framework may be one file or a folder of them;
    ``framework``, ``index``, ``defaults`` and ``peer_groups`` appear once in total."""

    framework: FrameworkMeta | None = None
    index: Node | None = None
    defaults: Defaults | None = None
    peer_groups: PeerGroups | None = None
    variables: list[Variable] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
