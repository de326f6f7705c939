"""giveback's command line: `giveback recommend`, `loops`, `reconcile`, `check`, `export`, `template`, `demo`."""

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it from here)


def main() -> None:
    """The desktop ribbon's Reconcile button. xlwings' ribbon add-in template runs
    `import NAME; NAME.main()` with NAME its file name, so `giveback.xlam` lands here.
    (The command line's entry point is `giveback.cli:main`.)"""
    from addin.desktop import reconcile

    reconcile()
