// Ribbon buttons of the Give-Back tab (templates/manifest.xml). Each runs one of
// giveback's scripts (addin/scripts.py) through xlwings Server, then tells Office the
// command is done.
function ribbonScript(scriptName) {
  return async function (event) {
    try {
      const auth =
        typeof globalThis.getAuth === "function"
          ? await globalThis.getAuth()
          : { token: "", provider: "" };
      await xlwings.runPython({
        auth: auth.token,
        scriptName: scriptName,
        headers: { "Auth-Provider": auth.provider },
      });
    } finally {
      event.completed();
    }
  };
}

Office.actions.associate("giveback-reconcile", ribbonScript("reconcile"));
Office.actions.associate("giveback-clear-results", ribbonScript("clear_results"));
Office.actions.associate("giveback-new-template", ribbonScript("new_template"));
