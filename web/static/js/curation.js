/* Curation forms, progressive enhancement only (the forms work without this file):
   - reference fields: suggestions of existing entries from /curate/lookup in their <datalist>
   - live checks: the form is checked by /curate/check while typing, findings shown at the fields */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var t;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.getAttribute("content") : "";
  }

  function setupLookup(fieldset) {
    var url = fieldset.getAttribute("data-lookup");
    var list = fieldset.querySelector("datalist");
    if (!url || !list) { return; }
    var ask = debounce(function (text) {
      if (text.trim().length < 2) { return; }
      fetch(url + "&q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          list.textContent = "";
          items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.id;
            option.label = item.label;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are a convenience: typing the slug still works */ });
    }, 200);
    fieldset.addEventListener("input", function (e) {
      if (e.target.matches("input[list]")) { ask(e.target.value); }
    });
  }

  function formValues(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string") { return; }
      (fields[name] = fields[name] || []).push(value);
    });
    return fields;
  }

  function showFindings(form, findings) {
    var lists = form.querySelectorAll(".field-findings");
    Array.prototype.forEach.call(lists, function (ul) { ul.textContent = ""; });
    var count = 0;
    findings.forEach(function (f) {
      var id = "f-" + (f.field || "").replace(/[^A-Za-z0-9_-]/g, "-") + "-findings";
      var ul = document.getElementById(id);
      if (!ul || !form.contains(ul)) { return; }
      var li = document.createElement("li");
      li.className = f.severity.toLowerCase();
      li.textContent = f.text;
      ul.appendChild(li);
      count += 1;
    });
    var status = document.getElementById("live-status");
    if (status) { status.textContent = form.getAttribute("data-count-" + (count === 1 ? "one" : "many")).replace("%d", count); }
  }

  function setupChecks(form) {
    var url = form.getAttribute("data-check");
    if (!url) { return; }
    var check = debounce(function () {
      var body = {
        type: form.getAttribute("data-type"),
        entity: form.getAttribute("data-entity") || null,
        proposal: form.getAttribute("data-proposal") || null,
        fields: formValues(form)
      };
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body)
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (findings) { if (findings) { showFindings(form, findings); } })
        .catch(function () { /* the check on save still runs */ });
    }, 600);
    form.addEventListener("input", check);
    form.addEventListener("change", check);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("fieldset[data-lookup]"), setupLookup);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-check]"), setupChecks);
  });
})();
