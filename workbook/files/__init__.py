"""Workbook files on disk: checked before any parser opens them (`guard`), read for
their values (`fast_reader`, calamine; `books.FileBook`, openpyxl), written through the
package writer (`books.write_book`), and new input workbooks made (`newbook`)."""
