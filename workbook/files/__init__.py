"""Workbook files on disk: read once into a snapshot (`snapshot`) that the guard checks
before any parser opens it (`guard`), their tabs and parts found (`parts`), read for their
values (`fast_reader`, calamine, with `stream_reader`, giveback's own, for what calamine
cannot read; `books.FileBook`, openpyxl), written through the package writer
(`books.write_book`) and saved as a desktop expects (`saving`: never over a book open in
Excel or LibreOffice, `owners`), and new input workbooks made (`newbook`)."""
