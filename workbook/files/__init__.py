"""Workbook files on disk: checked before any parser opens them (`guard`), their tabs and
parts found (`parts`), read for their values (`fast_reader`, calamine, with `stream_reader`,
giveback's own, for what calamine cannot read; `books.FileBook`, openpyxl), written through
the package writer (`books.write_book`), and new input workbooks made (`newbook`)."""
