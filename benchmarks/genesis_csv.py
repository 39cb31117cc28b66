"""A large GENESIS/Regionalstatistik-style CSV export for the loading benchmark (P6).

Follows the published layout of the classic municipal tables (``...-5``; see
shared/research/integration-monitoring-sources.md): a header block with the table code,
title and column labels, data rows ``date;AGS;indented name;value;...`` separated by
``;`` in Windows-1252 with a decimal comma, the official symbols in a small share of
cells (``-`` nothing there, ``.`` secret, ``x`` locked, ``/`` not reliable, ``...`` not
yet available), a few flagged values (``123 p``) and values in parentheses, then the
footer with the copyright line. SYNTHETIC numbers; built with whole-array operations.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["write_genesis_csv"]

#: Share of value cells carrying each symbol or decoration.
_SYMBOLS = {"-": 0.010, ".": 0.010, "x": 0.002, "/": 0.002, "...": 0.001}
_FLAGGED = 0.005  # "123 p" and the like
_PARENTHESES = 0.002  # "(123)"


def write_genesis_csv(
    path: Path, n_units: int, n_variables: int, n_years: int, seed: int = 0
) -> int:
    """Write the export to ``path``; return the number of value cells."""
    rng = np.random.default_rng(seed)
    n_rows = n_units * n_years
    years = np.arange(2024 - n_years + 1, 2025)
    keys = np.char.zfill(np.arange(1, n_units + 1).astype(str), 8)
    dates = np.char.add("31.12.", years.astype(str))

    population = np.exp(rng.normal(np.log(2500), 1.2, n_units)).clip(50, 3_700_000)
    shares = rng.uniform(0.001, 0.9, n_variables)
    expected = np.tile(population, n_years)[:, None] * shares[None, :]
    counts = rng.poisson(expected)  # [row, variable]: rows year-major, as exports are
    cells = counts.astype(str).astype(object)
    decimals = np.flatnonzero(rng.random(n_variables) < 0.2)  # rates with a decimal comma
    tenths = rng.integers(0, 1000, (n_rows, len(decimals)))
    cells[:, decimals] = np.char.add(
        np.char.add((tenths // 10).astype(str), ","), (tenths % 10).astype(str)
    ).astype(object)

    draw = rng.random((n_rows, n_variables))
    edge = 0.0
    for symbol, share in _SYMBOLS.items():
        hit = (draw >= edge) & (draw < edge + share)
        cells[hit] = symbol
        edge += share
    flagged = (draw >= edge) & (draw < edge + _FLAGGED)
    cells[flagged] = cells[flagged] + " " + rng.choice(["p", "r", "s", "e"], flagged.sum())
    edge += _FLAGGED
    bracketed = (draw >= edge) & (draw < edge + _PARENTHESES)
    cells[bracketed] = "(" + cells[bracketed] + ")"

    ids = np.column_stack(
        [
            np.repeat(dates, n_units),
            np.tile(keys, n_years),
            np.tile(np.char.add("      Gemeinde ", keys), n_years),
        ]
    ).astype(object)
    rows = np.concatenate([ids, cells], axis=1).tolist()
    labels = [f"Merkmal {j + 1:02d}" for j in range(n_variables)]
    pad = ";" * (n_variables + 2)
    header = (
        f"GENESIS-Tabelle: 99999-99-99-5\n"
        f"Synthetische Gemeindetabelle für Benchmarks (keine echten Daten){pad}\n"
        f"- Stichtag 31.12. -{pad}\n"
        f"regionale Tiefe: Gemeinden{pad}\n"
        f";;;{';'.join(labels)}\n"
    )
    footer = (
        f"__________{pad}\n"
        f"Synthetische Zahlen.{pad}\n"
        "(C)opyright Statistische Ämter des Bundes und der Länder, Deutschland, 2025."
        f"{pad}\nStand: 01.01.2025 / 00:00:00{pad}\n"
    )
    body = "".join(";".join(row) + "\n" for row in rows)
    path.write_bytes((header + body + footer).encode("cp1252"))
    return n_rows * n_variables
