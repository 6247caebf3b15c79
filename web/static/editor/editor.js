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

  // YASGUI leaves some controls without an accessible name and puts the "add tab" button
  // inside the tab list, where only tabs may be. Mend that whenever it redraws its tabs.
  var labels = config.labels;
  var root = document.getElementById("yasgui");
  function mend() {
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", labels.query);
    });
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", labels.endpoint);
    });
    root.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", labels.rows);
    });
    root.querySelectorAll(".tabsList input[type=text]:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", labels.tabName);
    });
    // The editor's scroll box: reachable by keyboard, so that its content can be scrolled.
    root.querySelectorAll(".CodeMirror-scroll[tabindex='-1']").forEach(function (el) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", labels.query);
    });
    root.querySelectorAll(".tabsList").forEach(function (list) {
      if (!list.getAttribute("aria-label")) { list.setAttribute("aria-label", labels.tabs); }
      var add = list.querySelector(".addTab");
      if (add && add.parentElement.parentElement === list) {
        list.parentElement.insertBefore(add.parentElement, list.nextSibling);
      }
    });
  }
  mend();
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });

  window.sckgEditor = { yasgui: yasgui, load: load, endpoint: endpoint };
})();
