"""Test session set-up.

xlwings picks its decorators when it is first imported: with `XLWINGS_ON_SERVER` set they
come from `xlwings.server` and record the metadata Excel reads (argument docs, spilling
results), and `xw.Book(json=...)` works. So both variables are set here, before any test
module imports xlwings. `noncommercial` is xlwings PRO's offline key for noncommercial use
(development and tests); commercial deployments need their own licence key.
"""

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
