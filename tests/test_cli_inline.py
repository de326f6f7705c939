"""`giveback recommend` and `giveback loops` (SPEC section 6), run as a user would."""

import json
import subprocess
import sys

import pytest

SEED = ["2", "4", "4", "-10", "3", "-3"]


def giveback(*args):
    return subprocess.run([sys.executable, "-m", "giveback", *args], capture_output=True, text=True)


def test_recommend_json_gives_13_and_the_guides_10():
    result = giveback("recommend", "--json", "--", *SEED)
    assert result.returncode == 0, result.stderr
    product = json.loads(result.stdout)
    assert product["lines"] == [{"line": "On", "quantity": 13}, {"line": "Off", "quantity": -13}]
    assert (product["loops"], product["settled"]) == (2, True)
    guide = product["guide"]
    assert guide["lines"] == [{"line": "On", "quantity": 10}, {"line": "Off", "quantity": -10}]
    assert (guide["loops"], guide["settled"]) == (3, True)
    for key in ("product", "case", "positive", "negative", "net", "delta", "W"):
        assert key in product
    assert product["case"] == "net_zero" and len(product["trace"]) == 7


def test_loops_what_if_gives_14():
    result = giveback("loops", "--json", "--on", "1", "--off", "1", "--", *SEED)
    assert json.loads(result.stdout)["loops"] == 14


def test_human_output_shows_lines_and_trace():
    result = giveback("recommend", "--", *SEED)
    assert "On 13  Off -13" in result.stdout and "Loop trace" in result.stdout


def test_decimal_quantities_come_back_as_strings():
    product = json.loads(giveback("recommend", "--json", "--", "1.25", "-0.5").stdout)
    assert product["net"] == "0.75" and product["lines"] == [{"line": "On", "quantity": "0.75"}]


@pytest.mark.parametrize(
    "args, message",
    [
        (["recommend", "--", "2", "abc"], "quantity 2 ('abc') is not a number"),
        (["recommend", "--", "2", "0"], "quantity 2 ('0') is 0"),
        (["recommend", "--count", "5", "--", "2"], "--count and --balance go together"),
        (["loops", "--on", "x", "--", "2"], "on ('x') is not a number"),
        (["recommend", "--max-runs", "0", "--", "2"], "must be 1 or more"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args, message):
    result = giveback(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_help_reads_well():
    result = giveback("--help")
    assert result.returncode == 0 and "recommend" in result.stdout and "loops" in result.stdout
