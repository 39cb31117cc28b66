"""A small scored case for the report tests, with every number worked out by hand.

Framework (goalposts normalisation, arithmetic means, equal weights)::

    index = mean(edu, part)
    edu   = mean(kita, emp)     kita: parity gap (mig rate - non-mig rate) * 100, goalposts -40..0
                                emp:  employment rate %, goalposts 30..80
    part  = council             council: migrant councillors / seats * 100 %, goalposts 0..40,
                                         min_denominator 10

2023 (score = distance between the goalposts x 100):

    unit  peer   kita            emp            council          edu     part   index
    a     small  -30 -> 25       55 -> 50       2/8=25 -> 62.5   37.5    62.5   50
    b     small   -5 -> 87.5     40 -> 20       3/20=15 -> 37.5  53.75   37.5   45.625
    c     large  -20 -> 50       80 -> 100      10/40=25 -> 62.5 75      62.5   68.75
    d     large  -50 -> 0        locked (-)     12/40=30 -> 75   0       75     37.5

2022 differs in: a emp 50 (-> 40; edu 32.5, index 47.5); c council 8/40 (-> 50; index 62.5);
d emp 35 (-> 10; edu 5, index 40). So the 2023 index changes are a +2.5, b 0, c +6.25,
d -2.5. a's council rests on 8 seats (< 10): unreliable, with a Wilson interval.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import mint_index as mi
from mint_index.framework.framework import Framework

NAMES = {"a": "Altdorf", "b": "Bergheim", "c": "Castrop", "d": "Dorfen"}
PEERS = {"a": "small", "b": "small", "c": "large", "d": "large"}


def framework_dict() -> dict[str, Any]:
    source = {"publisher": "Statistikamt Test", "table": "T-1", "url": "https://example.org/t1"}
    return {
        "framework": {"id": "rep", "label": {"de": "Testrahmen", "en": "Test framework"}},
        "index": {"id": "index", "label": {"de": "Gesamtindex", "en": "Overall index"}},
        "defaults": {"normalise": {"method": "goalposts"}, "aggregate": {"method": "arithmetic"}},
        "variables": [
            {"id": v, "unit": "count"}
            for v in (
                "kita_mig",
                "children_mig",
                "kita_nonmig",
                "children_nonmig",
                "council_migrant",
                "council_seats",
            )
        ]
        + [{"id": "employment_rate", "unit": "percent"}],
        "nodes": [
            {"id": "edu", "parent": "index", "label": {"de": "Bildung", "en": "Education"}},
            {"id": "part", "parent": "index", "label": {"de": "Teilhabe", "en": "Participation"}},
        ],
        "indicators": [
            {
                "id": "kita",
                "parent": "edu",
                "name": {"de": "Kita-Besuch (Parität)", "en": "Kita attendance (parity)"},
                "description": {"de": "Differenz der Quoten", "en": "Difference of rates"},
                "unit": "points",
                "direction": "higher",
                "kind": "parity_gap",
                "compute": {
                    "type": "parity",
                    "group": {"numerator": "kita_mig", "denominator": "children_mig"},
                    "reference": {"numerator": "kita_nonmig", "denominator": "children_nonmig"},
                },
                "goalposts": {
                    "lower": -40,
                    "upper": 0,
                    "rationale": {"de": "Parität ist das Ziel", "en": "parity is the goal"},
                },
                "target": {"value": 0},
                "source": source,
            },
            {
                "id": "emp",
                "parent": "edu",
                "name": {"de": "Beschäftigungsquote", "en": "Employment rate"},
                "description": {"de": "Beschäftigte je Einwohner", "en": "Employed per resident"},
                "unit": "%",
                "direction": "higher",
                "kind": "rate",
                "compute": {"type": "direct", "variable": "employment_rate"},
                "goalposts": {"lower": 30, "upper": 80},
                "source": {"publisher": "BA"},
            },
            {
                "id": "council",
                "parent": "part",
                "name": {
                    "de": "Ratsmitglieder mit Migrationsgeschichte",
                    "en": "Councillors with a migration background",
                },
                "description": {"de": "Anteil an den Sitzen", "en": "Share of seats"},
                "unit": "%",
                "direction": "higher",
                "kind": "rate",
                "compute": {
                    "type": "ratio",
                    "numerator": "council_migrant",
                    "denominator": "council_seats",
                    "scale": 100,
                },
                "goalposts": {"lower": 0, "upper": 40},
                "min_denominator": 10,
                "source": {"publisher": "Gemeinde", "url": "javascript:alert(1)"},
            },
        ],
    }


def framework(**changes: Any) -> Framework:
    data = framework_dict()
    data.update(changes)
    return Framework.model_validate(data)


_2023 = {
    "a": dict(
        kita_mig=20,
        children_mig=40,
        kita_nonmig=80,
        children_nonmig=100,
        employment_rate=55,
        council_migrant=2,
        council_seats=8,
    ),
    "b": dict(
        kita_mig=30,
        children_mig=40,
        kita_nonmig=80,
        children_nonmig=100,
        employment_rate=40,
        council_migrant=3,
        council_seats=20,
    ),
    "c": dict(
        kita_mig=25,
        children_mig=50,
        kita_nonmig=70,
        children_nonmig=100,
        employment_rate=80,
        council_migrant=10,
        council_seats=40,
    ),
    "d": dict(
        kita_mig=10,
        children_mig=50,
        kita_nonmig=70,
        children_nonmig=100,
        employment_rate=None,
        council_migrant=12,
        council_seats=40,
    ),
}
_2022_CHANGES = {
    "a": dict(employment_rate=50),
    "c": dict(council_migrant=8),
    "d": dict(employment_rate=35),
}


def long_frame() -> pd.DataFrame:
    rows = []
    for year in (2022, 2023):
        for unit, values in _2023.items():
            values = {**values, **(_2022_CHANGES.get(unit, {}) if year == 2022 else {})}
            for variable, value in values.items():
                rows.append(
                    {
                        "unit": unit,
                        "year": year,
                        "variable": variable,
                        "value": float("nan") if value is None else float(value),
                        "missing_reason": "locked" if value is None else None,
                    }
                )
    return pd.DataFrame(rows)


def units_table(names: dict[str, str] | None = None) -> pd.DataFrame:
    names = {**NAMES, **(names or {})}
    return pd.DataFrame(
        {
            "unit": list(NAMES),
            "name": [names[u] for u in NAMES],
            "peer_group": [PEERS[u] for u in NAMES],
        }
    )


def dataset(names: dict[str, str] | None = None) -> mi.Dataset:
    return mi.Dataset.from_long(long_frame(), units=units_table(names))


def results(names: dict[str, str] | None = None, **overrides: Any) -> Any:
    return mi.score(dataset(names), framework(), **overrides)


def wilson(successes: float, trials: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval, written out from its definition."""
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * (p * (1 - p) / trials + z * z / (4 * trials**2)) ** 0.5
    return centre - half, centre + half
