Attribute VB_Name = "GivebackRibbon"
' Ribbon callbacks of giveback.xlam that xlwings' ribbon template does not have.
' Import once into giveback.xlam (VBA editor: File > Import File..., then save the
' add-in), or run `python -m addin.build_xlam --import-vba` on Windows.
' The Reconcile button uses the template's own RibbonMyAddin.RunMain, which runs
' "import giveback; giveback.main()".

Sub GivebackClearResults(control As IRibbonControl)
    RunPython "import addin.desktop; addin.desktop.clear_results()"
End Sub

Sub GivebackNewTemplate(control As IRibbonControl)
    RunPython "import addin.desktop; addin.desktop.new_template()"
End Sub
