"""STYLE.md rule 1: dependencies point addin -> workbook -> core; core loads no I/O library."""

import subprocess
import sys

import pytest


def test_importing_core_loads_neither_openpyxl_nor_xlwings():
    code = "import sys, core, core.recommend; print(sorted(m for m in sys.modules if m.split('.')[0] in {'openpyxl', 'xlwings', 'workbook', 'addin'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_command_line_starts_without_openpyxl():
    """openpyxl (0.15 s to import) loads only when a command writes a new workbook or a file
    is read with it; `giveback reconcile` reads with calamine and writes at the zip level."""
    code = "import sys, giveback.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {'openpyxl', 'xlwings'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _modules_loaded_by(*argv: str) -> set[str]:
    """The modules `giveback ARGV` has imported when it is done, and their top-level packages."""
    code = ("import sys\nfrom giveback.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('\\nloaded:', *sorted(sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True)
    modules = set(result.stdout.rstrip().splitlines()[-1].split()[1:])
    return modules | {module.split(".")[0] for module in modules}


@pytest.mark.parametrize("argv", [["--version"], ["--help"], []])
def test_the_version_and_the_help_load_no_command(argv):
    """The start-up of issue 21: `giveback --version` loads only argparse and giveback
    itself (bench/startup.py times it against a bare interpreter)."""
    loaded = _modules_loaded_by(*argv)
    assert loaded.isdisjoint({"core", "workbook", "addin", "pydantic", "rich", "openpyxl", "python_calamine",
                              "lxml", "xlwings", "importlib.metadata"}), loaded


def test_a_usage_list_as_json_loads_no_workbook_code():
    loaded = _modules_loaded_by("recommend", "--json", "--", "2", "-2")
    assert loaded.isdisjoint({"workbook", "addin", "rich", "openpyxl", "python_calamine", "lxml", "xlwings"}), loaded
