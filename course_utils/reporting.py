"""Small results tables: the same Markdown text in a notebook (``IPython.display.Markdown``) and a benchmark log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from course_utils._validate import is_number

MISSING = "–"


def _cell(value: object, fmt: str | None) -> str:
    if value is None:
        return MISSING
    if is_number(value):
        if fmt is not None:
            return fmt.format(value)
        if isinstance(value, (int, np.integer)):
            return f"{int(value):,}"
        return f"{float(value):.4g}"
    return str(value).replace("|", "\\|")


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], formats: Mapping[str, str] | None = None
) -> str:
    """Return a Markdown table of ``rows`` under ``headers``.

    ``formats`` maps a header to a format string for that column's numbers (e.g. ``{"test MSE": "{:.4f}"}``);
    other integers get thousands separators, other floats four significant digits, ``None`` a dash.
    Columns holding only numbers (and ``None``) are right-aligned.
    """
    headers = [str(h) for h in headers]
    if not headers:
        raise ValueError("headers must name at least one column.")
    rows = [list(row) for row in rows]
    bad = [i for i, row in enumerate(rows) if len(row) != len(headers)]
    if bad:
        raise ValueError(f"every row must have {len(headers)} cells (one per header); rows {bad} do not.")
    formats = dict(formats or {})
    unknown = sorted(set(formats) - set(headers))
    if unknown:
        raise ValueError(f"formats must be keyed by headers {headers}, got unknown keys {unknown}.")
    for header, fmt in formats.items():
        try:
            fmt.format(1.0)
        except (ValueError, IndexError, KeyError, AttributeError) as error:
            raise ValueError(f"formats[{header!r}] must format one number, e.g. '{{:.4f}}', got {fmt!r}.") from error
    columns = [[row[j] for row in rows] for j in range(len(headers))]
    right = [bool(rows) and all(v is None or is_number(v) for v in column) for column in columns]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---:" if r else "---" for r in right) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(_cell(value, formats.get(h)) for h, value in zip(headers, row, strict=True)) + " |")
    return "\n".join(lines)


def summary_rows(summary: Mapping[str, object], prefix: str = "") -> list[list[object]]:
    """Return ``[name, value]`` rows of a lecture's ``summary`` dict; a nested dict's entries are named
    ``"outer: inner"``, so every number gets one row."""
    if not isinstance(summary, Mapping) or not summary:
        raise ValueError("summary must be a non-empty dict of name -> number (or name -> dict of numbers).")
    rows: list[list[object]] = []
    for name, value in summary.items():
        label = f"{prefix}{name}"
        if isinstance(value, Mapping):
            rows.extend(summary_rows(value, prefix=f"{label}: "))
        elif value is None or is_number(value):
            rows.append([label, value])
        else:
            raise ValueError(f"summary[{label!r}] must be a number, None or a dict of them, got {type(value).__name__}.")
    return rows


def summary_table(summary: Mapping[str, object], value_format: str = "{:.5g}") -> str:
    """Return a lecture's ``summary`` dict as a two-column Markdown table (quantity, value), each number written with
    ``value_format`` (five significant digits by default, so that a ratio such as 1.0003 keeps its last digit)."""
    return markdown_table(["quantity", "value"], summary_rows(summary), formats={"value": value_format})
