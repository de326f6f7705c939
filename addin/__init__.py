"""giveback in Excel: the UDFs (`functions`), the ribbon's scripts (`scripts`), the
xlwings side of the sheet-access seam (`book`), desktop entry points (`desktop`), the
desktop add-in build (`build_xlam`) and the xlwings Server project (`server/`)."""
