"""The overview's audit section and the methodology's uncertainty note.

The scores of the small report case are worked out by hand in ``reports_helpers``; the
expected alpha, first-component shares and correlations below are computed from those
scores with the definitions, not taken from the implementation.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import reports_helpers as h
from conftest import make_small_long

import mint_index as mi
from mint_index.cli import main
from mint_index.cli.app import EXIT_OK
from mint_index.errors import ReportError
from mint_index.framework.framework import Framework
from mint_index.reports.audit_section import ALPHA_CONSISTENT, audit_context
from mint_index.reports.context import prepare

# 2023 scores from the module docstring of reports_helpers (units a, b, c, d)
KITA = np.array([25.0, 87.5, 50.0, 0.0])
EMP = np.array([50.0, 20.0, 100.0, np.nan])  # d: locked
PART = np.array([62.5, 37.5, 62.5, 75.0])
INDEX = np.array([50.0, 45.625, 68.75, 37.5])


def cronbach(block: np.ndarray) -> float:
    """COINr get_cronbach: alpha = k / (k - 1) * (1 - trace(C) / sum(C)) with C the
    pairwise-complete covariance matrix (pandas' DataFrame.cov is pairwise)."""
    k = block.shape[1]
    cov = pd.DataFrame(block).cov().to_numpy()
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def first_share(block: np.ndarray) -> float:
    """The largest eigenvalue of the correlation matrix over its trace."""
    eig = np.linalg.eigvalsh(np.corrcoef(block, rowvar=False))
    return float(eig.max() / eig.sum())


@pytest.fixture(scope="module")
def res() -> mi.Results:
    return h.results()


@pytest.fixture(scope="module")
def ctx(res: mi.Results) -> dict:
    return audit_context(mi.audit(res, threshold=0.4), prepare(res, "en"))


def test_consistency_for_the_known_case(ctx: dict) -> None:
    rows = {r["id"]: r for r in ctx["consistency"]}
    assert list(rows) == ["edu", "part", "index"]
    edu_block = np.column_stack([KITA, EMP])[:3]  # complete units a, b, c
    edu = rows["edu"]
    assert edu["label"] == "Education" and edu["children"] == 2 and edu["complete_units"] == 3
    # pairwise complete: kita's variance on all four units (1406.25 + ... see below)
    assert edu["alpha"] == pytest.approx(cronbach(np.column_stack([KITA, EMP])), abs=1e-9)
    # by hand: var(kita, 4 units) = 1393.23, var(emp, a b c) = 1633.33, cov(kita, emp on
    # a b c) = -604.17; alpha = 2 (1 - 3026.56 / (3026.56 - 2 * 604.17)) = -1.3291
    assert edu["alpha"] == pytest.approx(-1.3291, abs=1e-4)
    assert edu["first_pc_share"] == pytest.approx(first_share(edu_block), abs=1e-9)
    assert edu["assessment"] == "weak"  # below ALPHA_CONSISTENT
    part = rows["part"]  # a single indicator: no alpha
    assert part["alpha"] is None and part["first_pc_share"] is None
    assert part["assessment"] == "na"
    edu_scores = np.array([37.5, 53.75, 75.0, 0.0])
    index_block = np.column_stack([edu_scores, PART])
    assert rows["index"]["alpha"] == pytest.approx(cronbach(index_block), abs=1e-9)
    assert rows["index"]["first_pc_share"] == pytest.approx(first_share(index_block), abs=1e-9)


def test_flags_in_the_known_case(ctx: dict) -> None:
    r_kita_emp = np.corrcoef(KITA[:3], EMP[:3])[0, 1]
    r_edu_part = np.corrcoef(np.array([37.5, 53.75, 75.0, 0.0]), PART)[0, 1]
    # threshold 0.4: kita/emp (-0.48) and edu/part (-0.55) are strongly *negative*; as in
    # COINr's get_corr_flags (signed r > threshold) that is not redundancy
    assert ctx["threshold"] == 0.4
    assert r_kita_emp < -0.4 and r_edu_part < -0.4
    assert ctx["redundant"] == []
    # participation correlates (weakly) negatively with the index, its own parent
    assert [(f["node"], f["parent"]) for f in ctx["negative"]] == [
        ("Participation", "Overall index")
    ]
    assert ctx["negative"][0]["r"] == pytest.approx(np.corrcoef(PART, INDEX)[0, 1], abs=1e-9)
    assert ctx["negative"][0]["r"] < 0


def test_indicators_listed_only_with_a_flag(res: mi.Results, ctx: dict) -> None:
    # no indicator of the small case is flagged (emp: 3 of 4 = 75 % >= 65 %)
    assert ctx["indicators"] == []
    checks = mi.audit(res)
    stats = checks.indicator_stats.copy()
    stats["flag_availability"] = stats["indicator"] == "emp"
    stats["flag_skew_kurtosis"] = stats["indicator"] == "emp"
    flagged = audit_context(dataclasses.replace(checks, indicator_stats=stats), prepare(res, "de"))[
        "indicators"
    ]
    assert len(flagged) == 1
    emp = flagged[0]
    assert emp["label"] == "Beschäftigungsquote" and emp["parent"] == "Bildung"
    assert emp["flags"] == ["availability", "skew_kurtosis"]
    assert emp["availability"] == pytest.approx(0.75) and emp["n"] == 3
    assert emp["zero_share"] == 0.0 and emp["distinct"] == 3
    values = np.array([55.0, 40.0, 80.0])  # emp 2023, before imputation
    assert emp["skewness"] == pytest.approx(pd.Series(values).skew(), abs=1e-9)
    assert emp["kurtosis"] is None  # fewer than four values


def test_context_is_json_safe(ctx: dict) -> None:
    assert json.loads(json.dumps(ctx, allow_nan=False)) == ctx
    assert ctx["alpha_consistent"] == ALPHA_CONSISTENT


def test_section_in_both_languages_only_when_passed(res: mi.Results) -> None:
    checks = mi.audit(res)
    for lang, title, alpha in (
        ("de", "Statistische Prüfung", "Cronbachs Alpha"),
        ("en", "Statistical audit", "Cronbach&#39;s alpha"),
    ):
        with_audit = mi.report(res, lang=lang, audit=checks)
        html = with_audit.html
        assert f'<h2 id="audit">{title}</h2>' in html
        assert f'href="#audit">{title}</a>' in html  # in the contents
        assert f'<th scope="col" class="num">{alpha}</th>' in html
        assert '<table id="audit-consistency">' in html
        assert with_audit.context["audit"]["year"] == 2023
        without = mi.report(res, lang=lang)
        assert without.context["audit"] is None
        assert 'id="audit"' not in without.html and title not in without.html
    de = mi.report(res, lang="de", audit=checks).html
    assert "−1,33" in de and "wenig stimmig" in de  # edu's alpha, German decimals


def test_section_escapes_labels() -> None:
    data = h.framework_dict()
    data["nodes"][0]["label"] = {"de": "<script>alert(1)</script>", "en": "<b>Edu</b>"}
    res = mi.score(h.dataset(), Framework.model_validate(data))
    html = mi.report(res, lang="en", audit=mi.audit(res, threshold=0.4)).html
    section = html[html.index('<section aria-labelledby="audit">') :]
    section = section[: section.index("</section>")]
    assert "<b>Edu</b>" not in section
    assert '<th scope="row">&lt;b&gt;Edu&lt;/b&gt;</th>' in section  # consistency and flags
    de = mi.report(res, lang="de", audit=mi.audit(res)).html
    assert "<script>alert(1)</script>" not in de and "&lt;script&gt;alert(1)" in de


def test_audit_of_another_year_or_object_is_refused(res: mi.Results) -> None:
    with pytest.raises(ReportError, match="audit is of 2022, the report of 2023"):
        mi.report(res, audit=mi.audit(res, year=2022))
    with pytest.raises(ReportError, match="must be a mint_index Audit"):
        mi.report(res, audit={"year": 2023})
    assert mi.report(res, year=2022, audit=mi.audit(res, year=2022)).context["audit"]


def test_methodology_lists_what_was_varied(res: mi.Results) -> None:
    unc = mi.uncertainty(
        res,
        n=16,
        seed=3,
        vary={"weights": 0.25, "normalise": [{"method": "minmax"}, {"method": "rank"}]},
    )
    assert len(unc.varied) == 2
    # the choices as plain data (Factor.summary): 5 weights below the index (edu, part,
    # kita, emp, council) each ±25 %; normalise one of two methods
    choices = [
        {"factor": "weights", "shares": [0.25], "weights": 5, "of": 5},
        {"factor": "normalise", "options": ["minmax", "rank"]},
    ]
    assert unc.choices == choices
    for lang, heading in (("de", "Unsicherheitsanalyse"), ("en", "Uncertainty analysis")):
        rep = mi.report(res, lang=lang, uncertainty=unc)
        assert rep.context["uncertainty"] == {
            "n": 16,
            "seed": 3,
            "varied": unc.varied,
            "choices": choices,
        }
        html = rep.html
        methodology = html[html.index('<section aria-labelledby="methodology">') :]
        methodology = methodology[: methodology.index("</section>")]
        assert f"<h3>{heading}</h3>" in methodology
        assert ": 16 (" in methodology  # number of replications, then the seed
        without = mi.report(res, lang=lang)
        assert without.context["uncertainty"] is None
        assert heading not in without.html


def test_a_result_with_only_english_lines_shows_them(res: mi.Results) -> None:
    """An uncertainty result without ``choices`` (made elsewhere) shows its lines as
    they are."""
    unc = dataclasses.replace(mi.uncertainty(res, n=8, seed=1), choices=None)
    rep = mi.report(res, lang="de", uncertainty=unc)
    assert rep.context["uncertainty"]["choices"] is None
    listed = rep.html[rep.html.index('<ul id="uncertainty-varied">') :]
    listed = listed[: listed.index("</ul>")]
    assert re.findall(r"<li><code>(.*?)</code></li>", listed) == unc.varied


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "de",
            [
                "Gewichte: gleichverteilte Zufallsabweichung von ±25\u00a0%, ±30\u00a0% bei 5 "
                "von 5 Gewichten",
                "Normierung: eine von minmax, wie berechnet",
                "Weglassen eines Indikators: eine von 2 Möglichkeiten weggelassen (kita, keine)",
            ],
        ),
        (
            "en",
            [
                "weights: uniform noise of ±25%, ±30% on 5 of 5 weights",
                "normalisation: one of minmax, nominal",
                "leaving out an indicator: one of 2 choices left out (kita, none)",
            ],
        ),
    ],
)
def test_what_was_varied_is_worded_in_the_report_language(
    res: mi.Results, lang: str, lines: list[str]
) -> None:
    """An uncertainty analysis gives each choice as plain data (``Factor.summary``), and
    the methodology words it in the page's language, numbers in its style, each choice
    by its name in that language (not ``weights``, ``leave_out``); ``leave_out`` counts
    its choices. By hand: levels 1 and 2 are the 3 indicators and 2 domains, 5 of
    the 5 weights below the index."""
    from mint_index.analysis.choices import parse_vary

    vary = {
        "weights": {1: 0.25, 2: 0.3},
        "normalise": [{"method": "minmax"}, None],
        "leave_out": ["kita", None],
    }
    unc = mi.uncertainty(res, n=8, seed=1, vary=vary)
    node_ids = res.framework.node_ids
    assert unc.choices == [f.summary(node_ids) for f in parse_vary(vary, res)]
    rep = mi.report(res, lang=lang, uncertainty=unc)
    listed = rep.html[rep.html.index('<ul id="uncertainty-varied">') :]
    listed = listed[: listed.index("</ul>")]
    assert re.findall(r"<li><code>(.*?)</code></li>", listed) == lines


def test_the_audit_names_its_stage_and_flags_in_the_report_language() -> None:
    """The indicator table's caption named the stage by its id (``denominated``) in the
    German report, and its flag said "mostly zeros" beside a share of zeros of 0 %: the
    flag counts non-zero values among all municipalities, as COINr does, and says so.
    The example district has indicators that stand out (few values of a small town)."""
    res = mi.score(mi.example_data(), mi.default_framework())
    html = mi.report(res, lang="de", audit=mi.audit(res)).html
    caption = re.search(r'<table id="audit-indicators">\s*<caption>(.*?)</caption>', html)
    assert caption is not None
    assert caption.group(1).endswith("(Stufe: auf Bezugsgrößen bezogen)")
    assert "Werte ungleich null bei weniger als der Hälfte der Kommunen" in html
    assert "denominated" not in html and "überwiegend Nullen" not in html


def test_cli_report_audit(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    long = make_small_long(units=6, years=(2022, 2023))
    long.to_csv(folder / "data.csv", index=False)
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\n")
    framework = Path(__file__).parent / "fixtures" / "framework_small"
    base = ["report", str(folder), "--framework", str(framework), "--rules", str(rules)]
    out = tmp_path / "with"
    assert main([*base, "--out", str(out), "--audit", "--lang", "en"]) == EXIT_OK
    assert '<h2 id="audit">Statistical audit</h2>' in (out / "index.html").read_text()
    out = tmp_path / "without"
    assert main([*base, "--out", str(out)]) == EXIT_OK
    assert 'id="audit"' not in (out / "index.html").read_text()
