"""The close process around the adjustment (SPEC section 11): what a reconciled book
records of its run (`record`), whether its outputs still match its inputs and what changed
(`changes`, `check`), whether the reconciliation runs went as the trace said (`follow_up`),
and the hand-off of the lines to the ERP (`export`). The sign-off cells live on Summary
(`workbook.sheets.signoff`)."""
