/* The SPARQL editor page: YASGUI on this site's endpoint, the project's prefixes pre-declared,
 * the named queries as examples. Everything is served from this site: it works offline. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("sckg-editor-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var prologue = Object.keys(config.prefixes)
    .map(function (p) { return "PREFIX " + p + ": <" + config.prefixes[p] + ">"; })
    .join("\n");
  var starter = prologue + "\n\n" + config.starter;

  // Only completers that need no network (LOV and prefix.cc are remote services).
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.value = starter;
  // Draw every line: the prologue declares all the project's prefixes (28 since model v2), and
  // CodeMirror otherwise leaves the lines below the first screen undrawn until one scrolls.
  Yasgui.Yasqe.defaults.viewportMargin = Infinity;

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: "sckg-yasgui",
    populateFromUrl: true,
    yasqe: { value: starter },
  });

  function load(text, name) {
    var tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.setQuery(text);
    if (name) { tab.setName(name); }
    tab.getYasqe().focus();
  }

  if (config.initial) { load(config.initial); }

  document.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = config.examples[button.getAttribute("data-example")];
      load(example.text, example.title);
    });
  });

  window.sckgEditor = { yasgui: yasgui, load: load, endpoint: endpoint };
})();
