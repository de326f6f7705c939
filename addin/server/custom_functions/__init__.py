"""giveback's Excel functions for xlwings Server: the ones in `addin.functions`, listed
by name (xlwings Server serves every decorated function this package exposes)."""

from addin.functions import (  # noqa: F401
    giveback_loops,
    giveback_options,
    giveback_trace,
    net_unallocated,
    recommend_adj,
    usage_case,
)
