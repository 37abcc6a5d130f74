// coroner default theme: the search page. It runs Pagefind's index (the
// `pagefind/` folder coroner publishes) in the browser, so it works on any
// static host; under `coroner serve` it asks the preview's live index
// (`/api/search`) instead, so it finds what was saved a moment ago. The
// URL holds the query and the filters (`search/?q=timeout&tag=database`),
// so a search can be shared. Without JavaScript the page points to the
// browse pages instead.
(function () {
  "use strict";
  var form = document.querySelector("form[data-search]");
  if (!form) return;
  form.hidden = false;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector("[data-results]");
  var status = form.querySelector(".search-status");
  var more = form.querySelector("[data-more]");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var panels = Array.prototype.slice.call(form.querySelectorAll("details[data-filter]"));
  // The filters' index is a download of its own (about 70 kB at 10,000
  // incidents): fetched once a filter panel is opened or a filter is set.
  var countsLoaded = false;
  var PAGE = 10;
  var pagefind = null;
  var latest = 0;
  var shown = [];

  // The preview server's search, shaped like Pagefind's: results whose
  // data() gives what a Pagefind result has (see render), and counts per
  // filter value.
  var preview = window.coronerPreview;
  var KEYS = { tag: "tag", service: "service", severity: "sev", year: "year" };

  function apiSearch(words, options) {
    var parts = words ? [words] : [];
    Object.keys(options.filters).forEach(function (name) {
      var values = options.filters[name].any.map(function (v) { return /[\s,"]/.test(v) ? '"' + v + '"' : v; });
      parts.push((KEYS[name] || name) + ":" + values.join(","));
    });
    var url = preview.api + "?limit=1000&facets=1&q=" + encodeURIComponent(parts.join(" "));
    return fetch(url).then(function (r) { return r.json(); }).then(function (found) {
      var counts = { tag: {}, service: {}, severity: {}, year: {} };
      found.facets.tags.forEach(function (t) { counts.tag[t[0]] = t[1]; });
      found.facets.services.forEach(function (s) { counts.service[s[0]] = s[1]; });
      var results = found.hits.map(function (hit) {
        if (hit.severity) counts.severity[hit.severity] = (counts.severity[hit.severity] || 0) + 1;
        var year = hit.date ? hit.date.slice(0, 4) : null;
        if (year) counts.year[year] = (counts.year[year] || 0) + 1;
        var data = {
          url: "/incidents/" + hit.id + "/",
          meta: { title: hit.title, date: hit.date, minutes: hit.duration_minutes },
          filters: { tag: hit.tags, service: hit.services, severity: hit.severity ? [hit.severity] : [] },
          excerpt: hit.snippet ? hit.snippet.replace(/&/g, "&amp;").replace(/</g, "&lt;")
            .replace(/\[/g, "<mark>").replace(/\]/g, "</mark>") : ""
        };
        return { data: function () { return Promise.resolve(data); } };
      });
      return { results: results, filters: counts };
    });
  }

  function load() {
    if (preview && preview.api) {
      return Promise.resolve({
        filters: function () { return apiSearch("", { filters: {} }).then(function (s) { return s.filters; }); },
        search: function (words, options) { return apiSearch(words || "", options); }
      });
    }
    if (!pagefind) {
      pagefind = import(form.getAttribute("data-pagefind")).then(function (pf) {
        // No worker: one script less to download (43 kB), and the search
        // itself takes a few milliseconds.
        return pf.options({ excerptLength: 40, noWorker: true }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // Each filter value's term page, as the filter boxes list them.
  var termUrls = {};
  boxes.forEach(function (box) {
    (termUrls[box.name] = termUrls[box.name] || {})[box.value] = box.getAttribute("data-url");
  });

  function term(cls, filter, name) {
    var a = el("a", cls, name);
    var url = (termUrls[filter] || {})[name];
    if (url) a.href = url;
    return a;
  }

  // A duration as the archive's pages write it (render::view::minutes_text).
  function durationText(minutes) {
    var d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    if (d) return h ? d + " d " + h + " h" : d + " d";
    if (h) return m ? h + " h " + m + " min" : h + " h";
    return m + " min";
  }

  // Pagefind's excerpt is escaped text with <mark> around the matches:
  // rebuild it from text nodes so that nothing else can become markup.
  function excerpt(html) {
    var p = el("p", "row-summary excerpt");
    html.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      // A textarea decodes entities and keeps every space (a parsed
      // document would drop the one after a match).
      var decoder = document.createElement("textarea");
      decoder.innerHTML = part;
      var text = decoder.value;
      p.appendChild(marked ? el("mark", "", text) : document.createTextNode(text));
      return marked;
    }, false);
    return p;
  }

  // One result: the title, date, duration, summary and kind are its meta
  // (all Pagefind searches besides the text, so nothing else is there),
  // its severity, tags and services its filter values.
  function render(data) {
    var meta = data.meta || {}, filters = data.filters || {};
    var li = el("li", "row");
    var title = el("a", "row-title", meta.title);
    title.href = data.url;
    li.appendChild(title);
    var facts = el("div", "row-meta");
    if (meta.date) { var t = el("time", "", meta.date); t.dateTime = meta.date; facts.appendChild(t); }
    (filters.severity || []).forEach(function (s) { facts.appendChild(term("badge sev sev-" + s.toLowerCase(), "severity", s)); });
    if (meta.minutes) facts.appendChild(el("span", "duration", durationText(Number(meta.minutes))));
    (filters.tag || []).forEach(function (t) { facts.appendChild(term("chip tag", "tag", t)); });
    (filters.service || []).forEach(function (s) { facts.appendChild(term("chip service", "service", s)); });
    if (meta.kind) facts.appendChild(el("span", "badge kind", meta.kind));
    li.appendChild(facts);
    // Browsing (no words) has nothing to quote: the summary says more.
    if (input.value.trim() && data.excerpt) li.appendChild(excerpt(data.excerpt));
    else if (meta.summary) li.appendChild(el("p", "row-summary", meta.summary));
    return li;
  }

  // What the form asks for: words, and filter name → ticked values.
  function wanted() {
    var filters = {};
    boxes.forEach(function (box) {
      if (box.checked) (filters[box.name] = filters[box.name] || []).push(box.value);
    });
    return { words: input.value.trim(), filters: filters };
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    boxes.forEach(function (box) { box.checked = params.getAll(box.name).indexOf(box.value) >= 0; });
  }

  function writeUrl(want) {
    var params = new URLSearchParams();
    if (want.words) params.set("q", want.words);
    Object.keys(want.filters).forEach(function (name) {
      want.filters[name].forEach(function (value) { params.append(name, value); });
    });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function showCounts(counts) {
    boxes.forEach(function (box) {
      var byValue = counts[box.name] || {};
      var n = byValue[box.value] || byValue[box.value.toLowerCase()] || 0;
      box.parentNode.querySelector("[data-count]").textContent = n;
      box.parentNode.classList.toggle("empty", n === 0 && !box.checked);
    });
  }

  function showMore() {
    var next = shown.slice(list.children.length, list.children.length + PAGE);
    var turn = latest;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (data) {
      if (turn !== latest) return;
      data.forEach(function (d) { list.appendChild(render(d)); });
      more.hidden = list.children.length >= shown.length;
    });
  }

  function run() {
    var want = wanted();
    var turn = ++latest;
    writeUrl(want);
    var browsing = !want.words;
    var filtered = Object.keys(want.filters).length > 0;
    var wantCounts = filtered || panels.some(function (p) { return p.open; });
    load().then(function (pf) {
      return (wantCounts ? pf.filters() : Promise.resolve(null)).then(function (counts) {
        countsLoaded = countsLoaded || wantCounts;
        return [pf, counts];
      });
    }).then(function (loaded) {
      var pf = loaded[0];
      if (browsing && !filtered) {
        if (turn !== latest) return;
        if (loaded[1]) showCounts(loaded[1]);
        shown = [];
        list.replaceChildren();
        more.hidden = true;
        status.textContent = "Type words or tick a filter.";
        return;
      }
      var filters = {};
      Object.keys(want.filters).forEach(function (name) { filters[name] = { any: want.filters[name] }; });
      // Filters alone list incidents in the order they were indexed: the
      // archive's, newest first, as its pages list them.
      var options = { filters: filters };
      return pf.search(browsing ? null : want.words, options).then(function (search) {
        if (turn !== latest || !search) return;
        if (countsLoaded) showCounts(search.filters);
        shown = search.results;
        list.replaceChildren();
        return showMore().then(function () {
          if (turn !== latest) return;
          var n = shown.length;
          status.textContent = n + " incident" + (n === 1 ? "" : "s") + (browsing ? ", newest first" : ", best match first");
        });
      });
    }).catch(function () {
      status.textContent = "Search could not load its index (pagefind/). Browse by root cause, service, severity or year instead.";
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  boxes.forEach(function (box) { box.addEventListener("change", run); });
  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  more.addEventListener("click", showMore);
  panels.forEach(function (panel) {
    panel.addEventListener("toggle", function () { if (panel.open && !countsLoaded) run(); });
  });
  readUrl();
  run();
})();
