"""res.to_sql and `mint-index score --out *.duckdb/*.sqlite`: written for real into SQLite
and DuckDB, read back with SQL and checked against the results they came from."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from conftest import make_small_long

import mint_index as mi
from mint_index.cli import main
from mint_index.cli.app import EXIT_OK
from mint_index.errors import MintIndexError
from mint_index.sql_export import SCHEMA

FRAMEWORK = Path(__file__).parent / "fixtures" / "framework_small"
try:
    import duckdb
except ImportError:  # the optional extra: its tests are skipped, SQLite's still run
    duckdb = None
needs_duckdb = pytest.mark.skipif(duckdb is None, reason="duckdb is not installed")
#: The database files a test writes, by suffix; DuckDB's only where it is installed.
BACKENDS = [".sqlite", pytest.param(".duckdb", marks=needs_duckdb)]


@pytest.fixture(scope="module")
def results() -> mi.Results:
    fw = mi.load_framework(FRAMEWORK)
    return mi.score(mi.Dataset.from_long(make_small_long(units=5, years=(2022, 2023))), fw)


#: Two rules that ask for the same action, so some rows list both.
RULES = {
    "rules": [
        {
            "id": rule_id,
            "when": {"node": "council_share", **when},
            "severity": "high",
            "actions": actions,
            "text": {"de": "{node}: {score}", "en": "{node}: {score}"},
        }
        for rule_id, when, actions in (
            ("council_low", {"score": {"below": 70}}, ["mit_mentors", "mit_training_programme"]),
            ("council_behind", {"gap": {"to": "peer_best", "above": 0}}, ["mit_mentors"]),
        )
    ]
}


@pytest.fixture(scope="module")
def recs(results: mi.Results, tmp_path_factory: pytest.TempPathFactory) -> mi.Recommendations:
    path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(yaml.safe_dump(RULES), encoding="utf-8")
    recs = mi.recommend(results, path)
    assert (recs.to_frame()["rules"].map(len) == 2).any()
    return recs


def _check_tables(query, results: mi.Results, recs: mi.Recommendations) -> None:
    """The same checks through any DB-API style ``query(sql) -> list of tuples``."""
    n_cells = len(results.unit_ids) * len(results.years) * len(results.node_ids)
    assert query("SELECT COUNT(*) FROM scores")[0][0] == n_cells
    assert query("SELECT COUNT(*) FROM gaps")[0][0] == n_cells
    assert query("SELECT COUNT(*) FROM recommendations")[0][0] == len(recs.to_frame())
    # a score read by SQL is the results' own number (the scores table rounds to 1e-6)
    unit, year = str(results.unit_ids[1]), int(results.years[-1])
    where = f"WHERE unit = '{unit}' AND year = {year} AND node = 'index'"
    score = query(f"SELECT score FROM scores {where}")
    assert score[0][0] == pytest.approx(results.scores.loc[(unit, year), "index"], abs=1e-6)
    gap = query(f"SELECT score, gap_target FROM gaps {where}")
    assert gap[0][0] == results.scores.loc[(unit, year), "index"]  # full precision
    # missing numbers are NULL, not NaN: the first year has no change
    first = int(results.years[0])
    changes = query(f"SELECT COUNT(*) FROM gaps WHERE year = {first} AND change IS NOT NULL")
    assert changes[0][0] == 0
    # a recommendation's rules come back as the ids joined by commas
    frame = recs.to_frame()
    row = frame[frame["kind"] == "action"].iloc[0]
    got = query(
        f"SELECT rules, actors, rank FROM recommendations WHERE unit = '{row['unit']}' "
        f"AND year = {row['year']} AND kind = 'action' AND action = '{row['action']}'"
    )
    assert got == [(",".join(row["rules"]), ",".join(row["actors"]), int(row["rank"]))]
    prov = {k: json.loads(v) for k, v in query("SELECT key, value FROM provenance")}
    assert prov["framework"]["sha256"] == results.framework.sha256
    assert prov["rules_sha256"] == recs.meta["rules_sha256"]


def test_sqlite_tables_schema_and_values(
    results: mi.Results, recs: mi.Recommendations, tmp_path: Path
) -> None:
    con = sqlite3.connect(tmp_path / "out.sqlite")
    counts = results.to_sql(con, recs)
    assert set(counts) == set(SCHEMA)

    def query(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    _check_tables(query, results, recs)
    for table, (columns, key) in SCHEMA.items():
        info = query(f'PRAGMA table_info("{table}")')  # cid, name, type, notnull, default, pk
        assert [(r[1], r[2]) for r in info][: len(columns)] == [
            (c, t.removesuffix(" NOT NULL")) for c, t in columns
        ]
        assert [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] == list(key)
    with pytest.raises(sqlite3.IntegrityError):  # (unit, year, node) is the key
        con.execute("INSERT INTO scores SELECT * FROM scores LIMIT 1")
    # writing again replaces the tables instead of adding rows
    results.to_sql(con, recs)
    assert query("SELECT COUNT(*) FROM scores")[0][0] == counts["scores"]
    con.close()


@needs_duckdb
def test_duckdb_tables_schema_and_values(
    results: mi.Results, recs: mi.Recommendations, tmp_path: Path
) -> None:
    con = duckdb.connect(str(tmp_path / "out.duckdb"))
    results.to_sql(con, recs)

    def query(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    _check_tables(query, results, recs)
    types = dict(
        query(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'scores'"
        )
    )
    assert types == {
        "unit": "VARCHAR",
        "year": "INTEGER",
        "node": "VARCHAR",
        "level": "INTEGER",
        "score": "DOUBLE",
        "rank": "INTEGER",
        "peer_group": "VARCHAR",
        "peer_rank": "INTEGER",
        "change": "DOUBLE",
    }
    con.close()


@needs_duckdb
def test_a_path_opens_the_database_by_suffix(
    results: mi.Results, recs: mi.Recommendations, tmp_path: Path
) -> None:
    results.to_sql(tmp_path / "a.duckdb", recs)
    results.to_sql(tmp_path / "a.sqlite", recs)
    with duckdb.connect(str(tmp_path / "a.duckdb")) as con:
        assert con.execute("SELECT COUNT(*) FROM recommendations").fetchone()[0] == len(
            recs.to_frame()
        )
    with sqlite3.connect(tmp_path / "a.sqlite") as con:
        assert con.execute("SELECT COUNT(*) FROM provenance").fetchone()[0] > 0


def test_something_else_than_a_connection_is_refused(results: mi.Results, recs) -> None:
    with pytest.raises(MintIndexError, match="sqlite3 or duckdb connection"):
        results.to_sql(object(), recs)


@pytest.mark.parametrize("suffix", BACKENDS)
def test_cli_score_writes_a_database(tmp_path: Path, suffix: str) -> None:
    data = tmp_path / "data.csv"
    long = make_small_long(units=4, years=(2022, 2023))
    long.to_csv(data, index=False)
    out = tmp_path / f"results{suffix}"
    assert main(["score", str(data), "--framework", str(FRAMEWORK), "--out", str(out)]) == EXIT_OK
    con = duckdb.connect(str(out), read_only=True) if suffix == ".duckdb" else sqlite3.connect(out)
    cells = 4 * 2 * len(mi.load_framework(FRAMEWORK).node_ids)
    assert con.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == cells
    assert con.execute("SELECT COUNT(*) FROM gaps").fetchone()[0] == cells
    rows = con.execute("SELECT key, value FROM provenance").fetchall()
    prov = {k: json.loads(v) for k, v in rows}
    assert prov["command"] == "score"
    framework = mi.load_framework(FRAMEWORK)
    assert prov["framework"] == {  # one shape, whoever writes the key
        "id": framework.framework.id,
        "version": framework.framework.version,
        "sha256": framework.sha256,
    }
    assert prov["version"] == mi.__version__ and "mint_index_version" not in prov
    assert prov["rules"]["path"] == "<packaged>"
    # the packaged rules are written for the default framework: where they cannot be
    # applied to this one the table is empty and the provenance says why
    n_recs = con.execute("SELECT COUNT(*) FROM recommendations").fetchone()[0]
    if "recommendations" in prov:
        assert prov["recommendations"].startswith("none: the packaged rules do not fit")
        assert n_recs == 0
    else:
        assert "rules_sha256" in prov
    con.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


# ---- the packaged framework: measures in place ----------------------------------------------


@pytest.fixture(scope="module")
def packaged() -> tuple[mi.Results, mi.Recommendations]:
    """The example district scored with the packaged framework and rules, with its measures
    register: rows of every kind, measures in place from the register and from yes/no
    indicators."""
    res = mi.score(mi.example_data())
    return res, mi.recommend(res, measures=mi.example_measures())


def _connect(path: Path):  # type: ignore[no-untyped-def]
    return duckdb.connect(str(path)) if path.suffix == ".duckdb" else sqlite3.connect(path)


@pytest.mark.parametrize("suffix", BACKENDS)
def test_measures_in_place_are_written_with_their_register_columns(
    packaged: tuple[mi.Results, mi.Recommendations], tmp_path: Path, suffix: str
) -> None:
    res, recs = packaged
    frame = recs.to_frame()
    placed = frame[frame["kind"] == "in_place"]
    assert len(placed) and (frame["kind"] == "action").any() and (frame["kind"] == "note").any()
    con = _connect(tmp_path / f"out{suffix}")
    res.to_sql(con, recs)

    def query(sql: str, *params: object) -> list[tuple]:
        return con.execute(sql, list(params)).fetchall()

    assert query("SELECT COUNT(*) FROM recommendations WHERE kind = 'in_place'") == [(len(placed),)]
    where = "WHERE unit = ? AND year = ? AND kind = 'in_place' AND action = ?"
    columns = "rule, rules, node, rank, since, review, review_indicators"
    # a register measure in a year after it started, whose review names its indicators
    # (since is not the row's year), and one known from its yes/no indicator alone
    register = placed[(placed["since"] < placed["year"]) & placed["review_indicators"].notna()]
    yes_no = placed[placed["review"] == "no_outcome"]
    for row in (register.iloc[0], yes_no.iloc[-1]):
        key = (row["unit"], int(row["year"]), row["action"])
        got = query(f"SELECT {columns} FROM recommendations {where}", *key)
        assert got == [
            (None, None, None, None, int(row["since"]), row["review"], row["review_indicators"])
        ]
    con.close()


def test_only_unit_year_and_kind_are_not_null_in_recommendations(
    packaged: tuple[mi.Results, mi.Recommendations],
) -> None:
    """Every kind of row has a unit, year and kind; a measure in place has no rule or
    node, a note no action: the table takes them all."""
    con = sqlite3.connect(":memory:")
    packaged[0].to_sql(con, packaged[1])
    info = con.execute('PRAGMA table_info("recommendations")').fetchall()
    assert [r[1] for r in info if r[3]] == ["unit", "year", "kind"]
    types = {r[1]: r[2] for r in info}
    assert (types["since"], types["review"], types["review_indicators"]) == (
        "INTEGER",
        "TEXT",
        "TEXT",
    )


@pytest.mark.parametrize("suffix", BACKENDS)
def test_cli_score_of_an_init_project_writes_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """The packaged framework's yes/no indicators put measures in place: the database
    takes them (this exited 3 on the NOT NULL rule before)."""
    assert main(["init", str(tmp_path / "town")]) == EXIT_OK
    monkeypatch.chdir(tmp_path / "town")
    assert main(["score", "--out", f"x{suffix}"]) == EXIT_OK
    con = _connect(Path(f"x{suffix}"))
    kinds = dict(
        con.execute(
            "SELECT kind, COUNT(*) FROM recommendations WHERE rule IS NULL AND since IS NOT NULL "
            "GROUP BY kind"
        ).fetchall()
    )
    assert list(kinds) == ["in_place"] and kinds["in_place"] > 0
    con.close()


def test_the_provenance_table_has_one_documented_shape(
    results: mi.Results, recs: mi.Recommendations
) -> None:
    con = sqlite3.connect(":memory:")
    results.to_sql(con, recs, provenance={"drop": "2025-06"})
    prov = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM provenance")}
    framework = results.framework
    assert prov == {
        "tool": "mint-index",
        "version": mi.__version__,
        "framework": {
            "id": framework.framework.id,
            "version": framework.framework.version,
            "sha256": framework.sha256,
        },
        "spec": results.spec.to_dict(),
        "rules_sha256": recs.ruleset.sha256,
        "max_poor_share": 0.5,
        "drop": "2025-06",
    }


def test_no_recommendations_is_an_empty_table_saying_so(results: mi.Results) -> None:
    con = sqlite3.connect(":memory:")
    counts = results.to_sql(con, "none")
    assert counts["recommendations"] == 0 and counts["scores"] > 0
    prov = dict(con.execute("SELECT key, value FROM provenance").fetchall())
    assert json.loads(prov["recommendations"]) == "none: no rules"
    assert "rules_sha256" not in prov
    with pytest.raises(MintIndexError, match="'nothing'"):
        results.to_sql(con, "nothing")


@pytest.mark.parametrize("suffix", BACKENDS)
def test_cli_score_in_a_project_writes_the_projects_recommendations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """A project whose rules rename an action: the database holds the project's id, and
    ``rules: none`` leaves the table empty (both were the packaged rules' before)."""
    assert main(["init", str(tmp_path / "town")]) == EXIT_OK
    monkeypatch.chdir(tmp_path / "town")
    for path in Path("rules").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bmit_mentors\b", "town_mentors", text), encoding="utf-8")
    assert main(["score", "--out", f"x{suffix}"]) == EXIT_OK
    con = _connect(Path(f"x{suffix}"))
    rows = con.execute("SELECT DISTINCT action FROM recommendations").fetchall()
    actions = {action for (action,) in rows}
    rows = con.execute("SELECT key, value FROM provenance").fetchall()
    prov = {k: json.loads(v) for k, v in rows}
    con.close()
    assert "town_mentors" in actions and "mit_mentors" not in actions
    assert prov["rules"]["path"] == "rules/"
    assert prov["rules_sha256"] == mi.load_rules("rules").sha256
    project = Path("mint-index.yaml")
    project.write_text(
        project.read_text(encoding="utf-8").replace("rules: rules/ ", "rules: none   "),
        encoding="utf-8",
    )
    assert main(["score", "--out", f"y{suffix}"]) == EXIT_OK
    con = _connect(Path(f"y{suffix}"))
    assert con.execute("SELECT COUNT(*) FROM recommendations").fetchone()[0] == 0
    rows = con.execute("SELECT key, value FROM provenance").fetchall()
    prov = {k: json.loads(v) for k, v in rows}
    con.close()
    assert prov["recommendations"] == "none: no rules"
