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
  // On German pages, YASGUI's own texts in German (web/editor_texts.py); the query, the
  // variable names and the results stay as they are.
  var exact = config.texts.exact;
  var patterns = config.texts.patterns.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  var decimal = config.lang === "de" ? /(\d)\.(\d)/g : null;
  function translate(text) {
    var trimmed = text.trim();
    if (!trimmed) { return null; }
    if (Object.prototype.hasOwnProperty.call(exact, trimmed)) {
      return text.replace(trimmed, exact[trimmed]);
    }
    for (var i = 0; i < patterns.length; i++) {
      if (patterns[i][0].test(trimmed)) {
        var german = trimmed.replace(patterns[i][0], patterns[i][1]);
        return text.replace(trimmed, decimal ? german.replace(decimal, "$1,$2") : german);
      }
    }
    return null;
  }
  var untouched = ".CodeMirror, tbody, thead th .dt-column-title, .yasr_results pre";
  function speak() {
    if (!Object.keys(exact).length) { return; }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      if (node.parentElement.closest(untouched)) { continue; }
      var german = translate(node.textContent);
      if (german !== null && german !== node.textContent) { node.textContent = german; }
    }
    root.querySelectorAll("[title], [placeholder], [aria-label]").forEach(function (el) {
      if (el.closest(".CodeMirror, tbody")) { return; }
      ["title", "placeholder", "aria-label"].forEach(function (name) {
        var value = el.getAttribute(name);
        var german = value && translate(value);
        if (german && german !== value) { el.setAttribute(name, german); }
      });
    });
  }

  // Results name this site's resources by their IRIs under the base, which point at the
  // published site: link them to the pages of this site instead, in the page's language.
  function localLinks() {
    root.querySelectorAll(".yasr a.iri").forEach(function (a) {
      var iri = a.getAttribute("href") || "";
      if (iri.indexOf(config.base) !== 0 || a.dataset.local) { return; }
      a.setAttribute("href", config.site + iri.slice(config.base.length) + "?lang=" + config.lang);
      a.setAttribute("target", "_self");
      a.removeAttribute("rel");
      a.setAttribute("title", iri);
      a.dataset.local = "1";
    });
  }

  // Plain values (no datatype, no angle brackets) unless the reader turned that off.
  var COMPACT = "sckg-editor-plain";
  function plainByDefault() {
    root.querySelectorAll(".yasr .tableControls label.switch").forEach(function (label) {
      var box = label.querySelector("input[type=checkbox]");
      if (!box || label.dataset.sckg) { return; }
      label.dataset.sckg = "1";
      var simple = label.querySelector(".label");
      if (!simple || ["Simple view", "Einfache Ansicht"].indexOf(simple.textContent) < 0) { return; }
      box.addEventListener("change", function (event) {
        if (event.isTrusted) { window.localStorage.setItem(COMPACT, box.checked ? "on" : "off"); }
      });
      if (!box.checked && window.localStorage.getItem(COMPACT) !== "off") { box.click(); }
    });
  }

  var busy = false;
  function redraw() {
    if (busy) { return; }
    busy = true;
    try { mend(); plainByDefault(); localLinks(); speak(); } finally { busy = false; }
  }
  redraw();
  new MutationObserver(redraw).observe(root, { childList: true, subtree: true });

  window.sckgEditor = { yasgui: yasgui, load: load, endpoint: endpoint };
})();
