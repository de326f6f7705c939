"""Sheets to models and back: one schema per sheet (`schema`), codecs from rows of plain
values to core models and problems (`cells`, `typed`, `quick`, `inputs`, `lookalikes`,
`settings`), and
recommendations to output sheets (`outputs`). Nothing here touches a file or Excel."""
