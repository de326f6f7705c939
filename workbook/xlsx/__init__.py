"""The package writer: giveback's output sheets into a byte-for-byte copy of the user's
.xlsx/.xlsm (`package`), editing only the workbook part, its relationships, the content
types and the styles (`opc`, `workbookpart`, `styles`), streaming new sheets (`sheetxml`,
`background`) and copying every other part compressed as it is (`zipcopy`); a Strict Open
XML package is read and written in its own spelling (`strict`)."""
