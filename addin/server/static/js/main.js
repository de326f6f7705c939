// The Give-Back tab's buttons (templates/manifest.xml) and the task pane's
// (templates/taskpane.html). Reconcile and Check read only the sheets they need, in
// requests within Excel on the web's limits (giveback.js); Clear results and New template
// read no cell at all (xlwings' `lazy`). Each runs one of giveback's scripts (addin/scripts.py)
// through xlwings Server; a ribbon command then tells Office it is done. The script's
// print setup and charts are giveback's callbacks (layout.js), registered here.
import { xlAlert } from "./alerts/parent.js";
import { config } from "./config.js";
import { registerCallback } from "./custom-scripts/index.js";
import { convertDateValues } from "./custom-scripts/workbook-metadata.js";
import { check, messageOf, reconcile } from "./giveback.js";
import { clientCapabilities, registerCallbacks } from "./layout.js";
import { request } from "./utils.js";

registerCallbacks(registerCallback);

function isSetSupported(name, version) {
  return Office.context.requirements.isSetSupported(name, version);
}

async function authentication() {
  const auth =
    typeof globalThis.getAuth === "function"
      ? await globalThis.getAuth()
      : { token: "", provider: "" };
  return { auth: auth.token, headers: { "Auth-Provider": auth.provider } };
}

function postTo(scriptName) {
  return async function (payload, headers) {
    const url = window.location.origin + config.appPath + "/xlwings/custom-scripts-call/" + scriptName;
    const response = await request.post(url, payload, {
      headers: headers,
      timeout: config.requestTimeout * 1000,
    });
    return response.data;
  };
}

async function runReading(scriptName, script) {
  const { auth, headers } = await authentication();
  try {
    await Office.onReady();
    await Excel.run((context) =>
      script(context, {
        getBookData: xlwings.getBookData,
        runActions: xlwings.runActions,
        convertDates: convertDateValues,
        post: postTo(scriptName),
        auth: auth,
        headers: headers,
        client: clientCapabilities(isSetSupported),
      }),
    );
  } catch (error) {
    console.error(error);
    await xlAlert(messageOf(error), "Error", "ok", "critical", "");
  }
}

async function runLazily(scriptName) {
  const { auth, headers } = await authentication();
  await xlwings.runPython({ auth, headers, scriptName, lazy: true });
}

const SCRIPTS = {
  reconcile: () => runReading("reconcile", reconcile),
  check: () => runReading("check", check),
  clear_results: () => runLazily("clear_results"),
  new_template: () => runLazily("new_template"),
};

function ribbonCommand(scriptName) {
  return async function (event) {
    try {
      await SCRIPTS[scriptName]();
    } finally {
      event.completed();
    }
  };
}

Office.actions.associate("giveback-reconcile", ribbonCommand("reconcile"));
Office.actions.associate("giveback-check", ribbonCommand("check"));
Office.actions.associate("giveback-clear-results", ribbonCommand("clear_results"));
Office.actions.associate("giveback-new-template", ribbonCommand("new_template"));

for (const button of document.querySelectorAll("[data-giveback-script]")) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await SCRIPTS[button.dataset.givebackScript]();
    } finally {
      button.disabled = false;
    }
  });
}
