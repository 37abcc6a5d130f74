// coroner default theme: the home page filter. Without JavaScript the
// home page is a plain paginated list; with it, the filter searches every
// incident (list.json) and replaces the page's rows with the matches.
(function () {
  "use strict";
  var form = document.querySelector("form[data-filter]");
  var list = document.querySelector("ol[data-rows]");
  if (!form || !list) return;
  form.hidden = false;
  var original = list.innerHTML;
  var pager = document.querySelector(".pager");
  var status = form.querySelector(".filter-status");
  var rows = null;

  function load() {
    if (rows) return Promise.resolve(rows);
    return fetch(form.getAttribute("data-source"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { rows = data; return rows; });
  }

  function names(items) { return (items || []).map(function (t) { return t.name; }); }

  function matches(row, f) {
    if (f.tag && names(row.tags).indexOf(f.tag) < 0) return false;
    if (f.service && names(row.services).indexOf(f.service) < 0) return false;
    if (f.severity && (!row.severity || row.severity.name !== f.severity)) return false;
    if (f.year && (!row.date || row.date.slice(0, 4) !== f.year)) return false;
    if (!f.words.length) return true;
    var text = [row.title, row.summary || "", names(row.tags).join(" "), names(row.services).join(" ")].join(" ").toLowerCase();
    return f.words.every(function (w) { return text.indexOf(w) >= 0; });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function link(cls, item) {
    var a = el("a", cls, item.name);
    a.href = item.url;
    return a;
  }

  function render(row) {
    var li = el("li", "row");
    var title = el("a", "row-title", row.title);
    title.href = row.url;
    li.appendChild(title);
    var meta = el("div", "row-meta");
    if (row.date) { var t = el("time", "", row.date); t.dateTime = row.date; meta.appendChild(t); }
    if (row.severity) meta.appendChild(link("badge sev sev-" + row.severity.name.toLowerCase(), row.severity));
    if (row.duration) meta.appendChild(el("span", "duration", row.duration));
    (row.tags || []).forEach(function (t) { meta.appendChild(link("chip tag", t)); });
    (row.services || []).forEach(function (s) { meta.appendChild(link("chip service", s)); });
    li.appendChild(meta);
    if (row.summary) li.appendChild(el("p", "row-summary", row.summary.length > 240 ? row.summary.slice(0, 239) + "…" : row.summary));
    return li;
  }

  function apply() {
    var data = new FormData(form);
    var f = {
      words: String(data.get("q") || "").toLowerCase().split(/\s+/).filter(Boolean),
      tag: data.get("tag"), service: data.get("service"), severity: data.get("severity"), year: data.get("year")
    };
    var active = f.words.length || f.tag || f.service || f.severity || f.year;
    if (!active) {
      list.innerHTML = original;
      if (pager) pager.hidden = false;
      status.textContent = "";
      return;
    }
    load().then(function (all) {
      var found = all.filter(function (row) { return matches(row, f); });
      list.replaceChildren.apply(list, found.slice(0, 500).map(render));
      if (pager) pager.hidden = true;
      status.textContent = found.length + " matching incident" + (found.length === 1 ? "" : "s") +
        (found.length > 500 ? " (first 500 shown)" : "");
    }).catch(function () {
      status.textContent = "The filter could not load the incident list; browse the pages below.";
    });
  }

  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
})();
