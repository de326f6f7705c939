"""giveback's ribbon scripts for xlwings Server: the ones in `addin.scripts`."""

from addin.scripts import check, clear_results, new_template, reconcile  # noqa: F401
