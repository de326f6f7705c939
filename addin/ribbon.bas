Attribute VB_Name = "GivebackRibbon"
' Ribbon callbacks of giveback.xlam that xlwings' ribbon template does not have.
' `make addin` writes this module into the add-in's VBA project (addin/build_xlam.py).
' The Reconcile button uses the template's own RibbonMyAddin.RunMain, which runs
' "import giveback; giveback.main()".

Sub GivebackCheck(control As IRibbonControl)
    RunPython "import addin.desktop; addin.desktop.check()"
End Sub

Sub GivebackClearResults(control As IRibbonControl)
    RunPython "import addin.desktop; addin.desktop.clear_results()"
End Sub

Sub GivebackNewTemplate(control As IRibbonControl)
    RunPython "import addin.desktop; addin.desktop.new_template()"
End Sub
