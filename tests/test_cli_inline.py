"""`giveback recommend` and `giveback loops` (SPEC section 6), run as a user would."""

import json
import subprocess
import sys

import pytest

SEED = ["2", "4", "4", "-10", "3", "-3"]


def giveback(*args):
    return subprocess.run([sys.executable, "-m", "giveback", *args], capture_output=True, text=True)


def test_recommend_json_gives_7_within_the_guides_3_runs_by_default():
    product = json.loads(giveback("recommend", "--json", "--", *SEED).stdout)
    assert (product["rule"], product["lines"], product["loops"]) == (
        "book", [{"line": "On", "quantity": 7}, {"line": "Off", "quantity": -7}], 3)


def test_recommend_json_gives_13_and_the_guides_10():
    result = giveback("recommend", "--json", "--rule", "fewest", "--", *SEED)
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
    assert "On 7  Off -7" in result.stdout and "Loop trace" in result.stdout


ISSUE_11 = ["50", "-45", "48", "-40", "30"]


def test_json_carries_the_options_fewest_runs_first_with_their_marks():
    options = json.loads(giveback("recommend", "--json", "--rule", "fewest", "--", *ISSUE_11).stdout)["options"]
    assert [(o["loops"], o["W"], o["gross"], o["chosen"], o["guide"]) for o in options] == [
        (2, 42, 127, True, False),
        (3, 0, 43, False, True),
    ]
    assert options[1]["lines"] == [{"line": "On", "quantity": 43}]


def test_human_output_shows_the_options_table():
    result = giveback("recommend", "--", *ISSUE_11)
    assert "Options" in result.stdout and "Chosen; Guide's" in result.stdout


@pytest.mark.parametrize(
    "cap, lines, loops",
    [
        (["--max-write-off", "10"], [{"line": "On", "quantity": 43}], 3),
        (["--max-write-off", "42"], [{"line": "On", "quantity": 85}, {"line": "Off", "quantity": -42}], 2),
        (["--unit-cost", "2.50", "--max-write-off-cost", "100"], [{"line": "On", "quantity": 43}], 3),
        (["--unit-cost", "2.50", "--max-write-off-cost", "105"], [{"line": "On", "quantity": 85},
                                                                   {"line": "Off", "quantity": -42}], 2),
    ],
)
def test_the_write_off_cap_keeps_the_fewest_rule_within_it(cap, lines, loops):
    product = json.loads(giveback("recommend", "--json", "--rule", "fewest", *cap, "--", *ISSUE_11).stdout)
    assert (product["lines"], product["loops"]) == (lines, loops)


def test_a_binding_cap_says_what_it_cost():
    product = json.loads(giveback("recommend", "--json", "--rule", "fewest", "--max-write-off", "10", "--",
                                  *ISSUE_11).stdout)
    assert "The write-off cap of 10 units keeps this at 3 runs; On 85 / Off -42 would take 2." in product["notes"]
    assert [o["within_cap"] for o in product["options"]] == [False, True]


def test_decimal_quantities_come_back_as_strings():
    product = json.loads(giveback("recommend", "--json", "--", "1.25", "-0.5").stdout)
    assert product["net"] == "0.75" and product["lines"] == [{"line": "On", "quantity": "0.75"}]


@pytest.mark.parametrize(
    "args, message",
    [
        (["recommend", "--", "2", "abc"], "quantity 2 is not a number (abc)"),
        (["recommend", "--", "2", "0"], "quantity 2 is 0"),
        (["recommend", "--count", "5", "--", "2"], "--count and --balance go together"),
        (["loops", "--on", "x", "--", "2"], "on is not a number (x)"),
        (["loops", "--on", "1e-9", "--", "2"], "on is 1e-9, which rounds to 0: giveback counts units to 6 decimal places"),
        (["recommend", "--", "1e15", "-3"], "quantity 1 is 1e15, too large: giveback takes numbers below 1,000,000,000,000,000"),
        (["recommend", "--max-runs", "0", "--", "2"], "must be 1 or more"),
        (["recommend", "--max-write-off", "-1", "--", "2"], "must be 0 or more"),
        (["recommend", "--max-write-off", "ten", "--", "2"], "'ten' is not a number"),
        (["recommend", "--max-write-off-cost", "10", "--", "2"], "give the unit cost with --unit-cost"),
        (["recommend", "--rule", "guide", "--max-write-off", "4", "--", "2"],  # SPEC 4: a setting not used is said
         "--rule guide and a write-off cap do not go together"),
        (["recommend", "--rule", "fewest", "--max-runs", "3", "--", "2"], "--rule fewest and --max-runs do not go"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args, message):
    result = giveback(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_help_reads_well():
    result = giveback("--help")
    assert result.returncode == 0 and "recommend" in result.stdout and "loops" in result.stdout
