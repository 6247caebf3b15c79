/* Progressive enhancement only: every page works without this file.
   - autocomplete (ARIA combobox) on search forms with data-suggest
   - Cytoscape graphs for elements with data-graph (the pages list the same facts as tables) */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function debounce(fn, ms) {
    var t;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function setupSuggest(form) {
    var input = form.querySelector("input[type=search]");
    if (!input) { return; }
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var items = [], active = -1;

    function close() {
      list.hidden = true; list.textContent = ""; items = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) { input.setAttribute("aria-activedescendant", items[i].id); }
    }
    function go(li) { if (li && li.dataset.url) { window.location.href = li.dataset.url; } }
    function render(data) {
      close();
      if (!data.length) { return; }
      data.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.url = s.url;
        var name = document.createElement("span");
        name.textContent = s.label;
        var kind = document.createElement("span");
        kind.className = "kind-tag";
        kind.textContent = s.kindLabel || s.kind;
        li.appendChild(name); li.appendChild(kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); go(li); });
        list.appendChild(li); items.push(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    var fetchSuggestions = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      var url = form.dataset.suggest + "?q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(render)
        .catch(close);
    }, 150);
    input.addEventListener("input", fetchSuggestions);
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); go(items[active]); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }  // close the list, keep the text
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  var COLOURS = { self: "#0b3b6b", sector: "#d9822b", dataset: "#2e8b57", usecase: "#5b8fd6" };

  function setupGraph(el) {
    if (typeof window.cytoscape !== "function") { return; }
    var source = document.getElementById(el.dataset.graph);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var max = data.max || 1;
    var cy = window.cytoscape({
      container: el,
      elements: { nodes: data.nodes, edges: data.edges },
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120,
          "text-valign": "bottom", "text-margin-y": 4, "color": "#1b2430",
          "background-color": function (n) { return COLOURS[n.data("kind")] || "#5b8fd6"; },
          "width": function (n) { return 16 + Math.min(28, 1.5 * (n.data("size") || 0)); },
          "height": function (n) { return 16 + Math.min(28, 1.5 * (n.data("size") || 0)); } } },
        { selector: "edge", style: {
          "curve-style": "bezier", "line-color": "#7f96ad", "target-arrow-color": "#7f96ad",
          "opacity": function (e) { return 0.35 + 0.65 * ((e.data("weight") || max) / max); },
          "target-arrow-shape": el.dataset.layout === "circle" ? "none" : "triangle",
          "width": function (e) { return 1 + 6 * ((e.data("weight") || 1) / max); } } },
        { selector: "node:selected, edge:selected", style: { "overlay-opacity": 0.2 } },
        { selector: "edge:selected", style: { "line-color": "#d9822b", "opacity": 1, "z-index": 10 } }
      ],
      layout: el.dataset.layout === "circle"
        ? { name: "circle", padding: 30 }
        : { name: "cose", padding: 30, animate: false, nodeRepulsion: function () { return 400000; },
            idealEdgeLength: function () { return 110; }, randomize: false }
    });
    var info = el.dataset.info ? document.getElementById(el.dataset.info) : null;
    if (!info) {
      cy.on("tap", "node, edge", function (evt) {
        var href = evt.target.data("href");
        if (href) { window.location.href = href; }
      });
    } else {
      explain(el, cy, info);
    }
    el.dataset.rendered = String(cy.nodes().length);
  }

  /* A graph with an info line: pointing at an element says what it is; a line is opened from
     the info line (crossing lines in the middle of a circle are easy to miss), a circle
     directly; the keyboard moves through circles and lines with the arrow keys, Enter opens. */
  function explain(el, cy, info) {
    var order = cy.nodes().toArray().concat(cy.edges().toArray());
    var current = -1;
    function show(ele, withLink) {
      info.textContent = "";
      if (!ele) { return; }
      info.appendChild(document.createTextNode(ele.data("title") || ele.data("label") || ""));
      var href = ele.data("href");
      if (withLink && href) {
        info.appendChild(document.createTextNode(" – "));
        var a = document.createElement("a");
        a.href = href;
        a.textContent = info.dataset.open || "Open";
        info.appendChild(a);
      }
    }
    function choose(i) {
      cy.elements().unselect();
      current = (i + order.length) % order.length;
      var ele = order[current];
      ele.select();
      el.dataset.current = ele.id();
      show(ele, true);
    }
    cy.on("mouseover", "node, edge", function (evt) { show(evt.target, false); });
    cy.on("mouseout", "node, edge", function () {
      show(current >= 0 ? order[current] : null, true);
    });
    cy.on("tap", "node", function (evt) {
      var href = evt.target.data("href");
      if (href) { window.location.href = href; }
    });
    cy.on("tap", "edge", function (evt) { choose(order.indexOf(evt.target)); });
    el.addEventListener("keydown", function (e) {
      if (!order.length) { return; }
      if (e.key === "ArrowRight" || e.key === "ArrowDown") { choose(current + 1); }
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp") { choose(current < 0 ? -1 : current - 1); }
      else if (e.key === "Home") { choose(0); }
      else if (e.key === "End") { choose(order.length - 1); }
      else if (e.key === "Enter" && current >= 0 && order[current].data("href")) {
        window.location.href = order[current].data("href");
      } else if (e.key === "Escape") {
        cy.elements().unselect(); current = -1; delete el.dataset.current; show(null);
      } else { return; }
      e.preventDefault();
    });
  }

  /* On a small screen the filters come before the results, folded (the summary says how many
     are selected); with JavaScript off they stay open. */
  function foldFilters() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 48rem)").matches) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("details.facet-panel"), function (d) {
      d.open = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldFilters();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-suggest]"), setupSuggest);
    Array.prototype.forEach.call(document.querySelectorAll("[data-graph]"), setupGraph);
  });
})();
