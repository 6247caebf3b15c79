/* Two more views of the editor's results, registered with YASR before the editor starts:
 * a bar chart for a column of numbers by a column of names, and a graph for CONSTRUCT and
 * DESCRIBE answers (or a SELECT whose rows link resources). Both draw from the results the
 * table shows; this site's resources link to their pages in the page's language. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("sckg-editor-config").textContent);
  var texts = config.views;
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map(function (t) {
    return XSD + t;
  });
  var LABELS = ["http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://purl.org/dc/terms/title",
    "http://schema.org/name", "http://xmlns.com/foaf/0.1/name"];
  var MAX_BARS = 100;
  var MAX_NODES = 300;
  var SVG = "http://www.w3.org/2000/svg";

  function isNumber(term) {
    return term && term.type !== "uri" && term.type !== "bnode" &&
      NUMERIC.indexOf(term.datatype) >= 0 && !isNaN(parseFloat(term.value));
  }
  function isResource(term) { return term && (term.type === "uri" || term.type === "bnode"); }
  function localName(iri) { return iri.replace(/[#/]+$/, "").split(/[#/]/).pop() || iri; }
  function href(iri) {
    if (iri.indexOf(config.base) === 0) {
      return config.site + iri.slice(config.base.length) + "?lang=" + config.lang;
    }
    return /^https?:\/\//.test(iri) ? iri : null;
  }
  function number(value) { return Number(value).toLocaleString(config.lang); }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function columns(yasr) {
    var vars = yasr.results.getVariables() || [];
    var rows = yasr.results.getBindings() || [];
    return { vars: vars, rows: rows };
  }

  /* -- chart: the first column of numbers by the first column of names ---------------------- */
  function chartColumns(vars, rows) {
    var value = null;
    var name = null;
    vars.forEach(function (v) {
      var bound = rows.filter(function (r) { return r[v]; });
      if (!bound.length) { return; }
      var numeric = bound.every(function (r) { return isNumber(r[v]); });
      if (numeric && value === null) { value = v; }
      if (!numeric && name === null) { name = v; }
    });
    if (value === null || name === null) { return null; }
    // A literal column beside an IRI column names it (?sector with ?sectorLabel, say).
    var text = name;
    if (rows.some(function (r) { return isResource(r[name]); })) {
      var literal = vars.filter(function (v) {
        return v !== value && v !== name && rows.every(function (r) {
          return !r[v] || (r[v].type !== "uri" && r[v].type !== "bnode" && !isNumber(r[v]));
        });
      });
      if (literal.length) { text = literal[0]; }
    }
    return { value: value, name: name, text: text };
  }

  function Chart(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = texts.chart;
  }
  Chart.prototype.canHandleResults = function () {
    if (!this.yasr.results || this.yasr.results.getType() !== "json") { return false; }
    var c = columns(this.yasr);
    return c.rows.length > 0 && chartColumns(c.vars, c.rows) !== null;
  };
  Chart.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "▤";
    return icon;
  };
  Chart.prototype.draw = function () {
    var c = columns(this.yasr);
    var pick = chartColumns(c.vars, c.rows);
    var rows = c.rows.filter(function (r) { return r[pick.value]; }).slice(0, MAX_BARS);
    var values = rows.map(function (r) { return parseFloat(r[pick.value].value); });
    var top = Math.max.apply(null, values.map(Math.abs).concat([1]));
    var figure = document.createElement("figure");
    figure.className = "sckg-chart";
    var caption = document.createElement("figcaption");
    caption.textContent = fill(texts.chartCaption, { value: "?" + pick.value, name: "?" + pick.name }) +
      (c.rows.length > MAX_BARS ? " " + fill(texts.chartFirst, { n: number(MAX_BARS) }) : "");
    figure.appendChild(caption);
    var line = 26;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 800 " + (rows.length * line + 8));
    svg.setAttribute("role", "list");
    svg.setAttribute("aria-label", caption.textContent);
    rows.forEach(function (r, i) {
      var nameTerm = r[pick.text] || r[pick.name];
      var label = nameTerm ? (isResource(nameTerm) ? localName(nameTerm.value) : nameTerm.value) : "";
      var link = r[pick.name] && r[pick.name].type === "uri" ? href(r[pick.name].value) : null;
      var item = document.createElementNS(SVG, "g");
      item.setAttribute("role", "listitem");
      var g = item;
      if (link) {
        g = document.createElementNS(SVG, "a");
        g.setAttribute("href", link);
        item.appendChild(g);
      }
      var y = i * line + 4;
      var title = document.createElementNS(SVG, "title");
      title.textContent = label + ": " + number(values[i]);
      g.appendChild(title);
      var text = document.createElementNS(SVG, "text");
      text.setAttribute("x", "0");
      text.setAttribute("y", String(y + 17));
      text.setAttribute("class", "sckg-chart-name");
      text.textContent = label.length > 38 ? label.slice(0, 37) + "…" : label;
      g.appendChild(text);
      var width = Math.max(1, Math.round(440 * Math.abs(values[i]) / top));
      var bar = document.createElementNS(SVG, "rect");
      bar.setAttribute("x", "300");
      bar.setAttribute("y", String(y + 3));
      bar.setAttribute("width", String(width));
      bar.setAttribute("height", String(line - 8));
      bar.setAttribute("class", "sckg-chart-bar");
      g.appendChild(bar);
      var figureText = document.createElementNS(SVG, "text");
      figureText.setAttribute("x", String(306 + width));
      figureText.setAttribute("y", String(y + 17));
      figureText.textContent = number(values[i]);
      g.appendChild(figureText);
      svg.appendChild(item);
    });
    figure.appendChild(svg);
    this.yasr.resultsEl.appendChild(figure);
  };

  /* -- graph: resources as circles, statements (or rows) as lines ----------------------------- */
  function graphOf(vars, rows) {
    var nodes = {};
    var edges = [];
    var names = {};
    function node(term) {
      if (!nodes[term.value]) {
        nodes[term.value] = { data: { id: term.value, label: localName(term.value),
          href: term.type === "uri" ? href(term.value) : null } };
      }
    }
    var statements = ["subject", "predicate", "object"].every(function (v) {
      return vars.indexOf(v) >= 0;
    });
    if (statements) {
      rows.forEach(function (r) {
        if (!isResource(r.subject)) { return; }
        if (isResource(r.object)) {
          node(r.subject); node(r.object);
          edges.push({ data: { id: "e" + edges.length, source: r.subject.value,
            target: r.object.value, label: localName(r.predicate.value) } });
        } else if (r.object && LABELS.indexOf(r.predicate.value) >= 0) {
          var lang = r.object["xml:lang"] || "";
          if (!names[r.subject.value] || lang === config.lang) { names[r.subject.value] = r.object.value; }
          node(r.subject);
        }
      });
    } else {
      var linked = vars.filter(function (v) {
        var bound = rows.filter(function (r) { return r[v]; });
        return bound.length && bound.every(function (r) { return isResource(r[v]); });
      });
      if (linked.length < 2) { return null; }
      rows.forEach(function (r) {
        for (var i = 0; i + 1 < linked.length; i++) {
          var a = r[linked[i]];
          var b = r[linked[i + 1]];
          if (!a || !b || a.value === b.value) { continue; }
          node(a); node(b);
          edges.push({ data: { id: "e" + edges.length, source: a.value, target: b.value,
            label: "?" + linked[i + 1] } });
        }
        vars.forEach(function (v) {  // ?x with ?xLabel names x
          var base = v.replace(/Label$/, "");
          if (base !== v && r[base] && r[v] && isResource(r[base])) { names[r[base].value] = r[v].value; }
        });
      });
    }
    Object.keys(names).forEach(function (iri) {
      if (nodes[iri]) { nodes[iri].data.label = names[iri]; }
    });
    Object.keys(nodes).forEach(function (iri) {  // the full name is in the table
      var label = nodes[iri].data.label;
      if (label.length > 40) { nodes[iri].data.label = label.slice(0, 39) + "…"; }
    });
    var list = Object.keys(nodes).map(function (k) { return nodes[k]; });
    if (!list.length || !edges.length) { return null; }
    return { nodes: list, edges: edges };
  }

  function Graph(yasr) {
    this.yasr = yasr;
    this.priority = 4;
    this.label = texts.graph;
  }
  Graph.prototype.canHandleResults = function () {
    if (!this.yasr.results || typeof window.cytoscape !== "function") { return false; }
    var c = columns(this.yasr);
    return c.rows.length > 0 && graphOf(c.vars, c.rows) !== null;
  };
  Graph.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "⋈";
    return icon;
  };
  Graph.prototype.draw = function () {
    var c = columns(this.yasr);
    var data = graphOf(c.vars, c.rows);
    var shown = data.nodes.slice(0, MAX_NODES);
    var ids = {};
    shown.forEach(function (n) { ids[n.data.id] = true; });
    var edges = data.edges.filter(function (e) { return ids[e.data.source] && ids[e.data.target]; });
    var wrap = document.createElement("figure");
    wrap.className = "sckg-graph";
    var caption = document.createElement("figcaption");
    caption.textContent = fill(texts.graphCaption, { nodes: number(shown.length), edges: number(edges.length) }) +
      (data.nodes.length > MAX_NODES ? " " + fill(texts.graphFirst, { n: number(MAX_NODES) }) : "");
    wrap.appendChild(caption);
    var box = document.createElement("div");
    box.className = "sckg-graph-box";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", caption.textContent + " " + texts.graphSame);
    wrap.appendChild(box);
    this.yasr.resultsEl.appendChild(wrap);
    var cy = window.cytoscape({
      container: box,
      elements: { nodes: shown, edges: edges },
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-wrap": "wrap",
          "text-max-width": 120, "text-valign": "bottom", "text-margin-y": 4, "color": "#1b2430",
          "min-zoomed-font-size": 5,
          "background-color": "#2f78bd", "width": 18, "height": 18 } },
        { selector: "edge", style: { "curve-style": "bezier", "line-color": "#7f96ad",
          "target-arrow-color": "#7f96ad", "target-arrow-shape": "triangle", "width": 1.5,
          "label": "data(label)", "font-size": 9, "color": "#4a5563", "text-rotation": "autorotate" } }
      ],
      layout: { name: "cose", animate: false, padding: 30, randomize: false,
        nodeRepulsion: function () { return 90000; }, idealEdgeLength: function () { return 70; },
        nodeOverlap: 40, componentSpacing: 80 }
    });
    cy.on("tap", "node", function (evt) {
      var link = evt.target.data("href");
      if (link) { window.location.href = link; }
    });
    box.dataset.rendered = String(cy.nodes().length);
  };

  Yasgui.Yasr.registerPlugin("chart", Chart);
  Yasgui.Yasr.registerPlugin("graph", Graph);
  Yasgui.Yasr.defaults.pluginOrder = ["table", "response", "chart", "graph"];
})();
