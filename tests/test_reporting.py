import numpy as np
import pytest

from course_utils.reporting import markdown_table, summary_rows, summary_table


def test_markdown_table_formats_and_aligns_columns():
    table = markdown_table(
        ["model", "weights", "test MSE", "s/epoch"],
        [["PCA-64", None, np.float32(0.010412), None], ["a|b", 101200, 0.00881, 12.345]],
        formats={"test MSE": "{:.4f}", "s/epoch": "{:.1f}"},
    )
    assert table.splitlines() == [
        "| model | weights | test MSE | s/epoch |",
        "| --- | ---: | ---: | ---: |",
        "| PCA-64 | – | 0.0104 | – |",
        "| a\\|b | 101,200 | 0.0088 | 12.3 |",
    ]


def test_markdown_table_default_number_formats():
    assert markdown_table(["n", "x"], [[np.int64(1234567), 0.000123456]]).splitlines()[-1] == "| 1,234,567 | 0.0001235 |"
    assert markdown_table(["flag"], [[True]]).splitlines()[1] == "| --- |"  # booleans are not numbers


@pytest.mark.parametrize(
    "headers, rows, formats, message",
    [
        ([], [], None, "headers"),
        (["a", "b"], [[1]], None, "2 cells"),
        (["a"], [[1.0]], {"a": "{x}"}, "formats"),
        (["a"], [[1.0]], {"b": "{:.1f}"}, "unknown keys"),
    ],
)
def test_markdown_table_bad_input(headers, rows, formats, message):
    with pytest.raises(ValueError, match=message):
        markdown_table(headers, rows, formats=formats)


def test_a_summary_becomes_one_row_per_number():
    summary = {"ratio": 1.0003, "PCA": {"2 components": 0.043, "16 components": np.float32(0.019)}, "epochs": 25, "none": None}
    assert summary_rows(summary) == [
        ["ratio", 1.0003], ["PCA: 2 components", 0.043], ["PCA: 16 components", np.float32(0.019)], ["epochs", 25], ["none", None]
    ]
    lines = summary_table(summary).splitlines()
    assert lines[:2] == ["| quantity | value |", "| --- | ---: |"]
    assert lines[2] == "| ratio | 1.0003 |", "five significant digits by default"
    assert lines[3] == "| PCA: 2 components | 0.043 |" and lines[5] == "| epochs | 25 |"
    assert summary_table({"ratio": 1.0003}, value_format="{:.2f}").splitlines()[-1] == "| ratio | 1.00 |"


@pytest.mark.parametrize("summary, message", [({}, "non-empty dict"), ({"a": "text"}, r"summary\['a'\] must be a number"),
                                              ({"a": {"b": [1, 2]}}, r"summary\['a: b'\]")])
def test_a_summary_of_anything_but_numbers_is_refused(summary, message):
    with pytest.raises(ValueError, match=message):
        summary_rows(summary)
