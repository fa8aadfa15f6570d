"""An evaluation result as a Markdown table, a JSON document and a quality/speed plot."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import MissingDependency
from .runner import EvalResult

#: Version of the JSON layout written by :func:`to_json`.
JSON_VERSION = 1


def _cell(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def to_markdown(result: EvalResult) -> str:
    """The result table with its settings, for the terminal or a README."""
    s = result.settings
    measure = "recall" if s["measure"] == "recall" else "F1"
    lines = [
        (
            f"**{result.dataset}** ({result.source}), {result.clusters} clusters — "
            f"ROUGE {measure} (%) at {s['budget']} words, {s['aggregate']} over references, "
            "stemming on"
        ),
        "",
        "| system | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | s/cluster | peak MB | words |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result.systems:
        name = f"**{row.name}**" if row.kind == "storyweave" else row.name
        lines.append(
            f"| {name} | {row.rouge1:.2f} | {row.rouge2:.2f} | {row.rougeLsum:.2f} | "
            f"{_cell(row.seconds_per_cluster, 3)} | {_cell(row.peak_mb, 0)} | "
            f"{row.words_per_summary:.0f} |"
        )
    lines += [
        "",
        f"Truncation: {s['truncation']}. Timing: {s['timing']}. Memory: {s['memory']}.",
        "words = mean words a system produced before the cut.",
    ]
    if s.get("vector_cache"):
        lines.append(f"Vector cache: {s['vector_cache']}.")
    return "\n".join(lines)


def to_json(result: EvalResult, *, per_cluster: bool = True) -> dict[str, Any]:
    """The result as plain JSON values (``systems[]`` rows keep their exact names)."""
    data = {"version": JSON_VERSION, **asdict(result)}
    if not per_cluster:
        for row in data["systems"]:
            row.pop("per_cluster", None)
    return data


def write_json(result: EvalResult, path: str | Path, *, per_cluster: bool = True) -> None:
    """Write :func:`to_json` to ``path`` (UTF-8, indented, stable key order)."""
    Path(path).write_text(
        json.dumps(to_json(result, per_cluster=per_cluster), indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


def plot(result: EvalResult, path: str | Path) -> None:
    """A PNG of ROUGE-1 and ROUGE-2 against seconds per cluster (log scale).

    Published systems have no timing; they are drawn as dotted horizontal lines.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed; must precede pyplot
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise MissingDependency("matplotlib", "eval") from error
    figure, axes = plt.subplots(1, 2, figsize=(12, 5))
    colours = {"storyweave": "tab:red", "baseline": "tab:blue", "oracle": "tab:green"}
    for axis, key, label in ((axes[0], "rouge1", "ROUGE-1"), (axes[1], "rouge2", "ROUGE-2")):
        for row in result.systems:
            value = getattr(row, key)
            if row.seconds_per_cluster is None:
                axis.axhline(value, color="grey", linestyle=":", linewidth=0.8)
                axis.annotate(
                    row.name,
                    (1.0, value),
                    xycoords=("axes fraction", "data"),
                    fontsize=6,
                    color="grey",
                    ha="right",
                    va="bottom",
                )
                continue
            seconds = max(row.seconds_per_cluster, 1e-4)
            axis.scatter(seconds, value, color=colours.get(row.kind, "tab:blue"), s=40)
            axis.annotate(
                row.name, (seconds, value), textcoords="offset points", xytext=(4, 4), fontsize=8
            )
        axis.set_xscale("log")
        axis.set_xlabel("seconds per cluster (log)")
        axis.set_ylabel(f"{label} {result.settings['measure']} (%)")
        axis.grid(True, alpha=0.3)
    figure.suptitle(
        f"{result.dataset}: quality vs time, {result.clusters} clusters, "
        f"{result.settings['budget']}-word budget"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
