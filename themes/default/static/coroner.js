// coroner default theme: the search page. It searches the static index
// coroner publishes (`search/data/`, see docs/output.md) in the browser,
// fetching only the shards a query needs, so it works on any static host;
// under `coroner serve` it asks the preview's live index (`/api/search`)
// instead, so it finds what was saved a moment ago. Both tiers read words
// the same way: tantivy's tokens and English stems, the dictionary giving
// each written form's stem. The URL holds the query and the filters
// (`search/?q=timeout&tag=database`), so a search can be shared. Without
// JavaScript the page points to the browse pages instead.
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
  // The site's root path: results link to it (a subpath base_url works).
  var root = form.getAttribute("data-root") || "/";
  // The filters' index is a download of its own: fetched once a filter
  // panel is opened or a filter is set.
  var countsLoaded = false;
  var PAGE = 10;
  var engine = null;
  var latest = 0;
  var shown = [];

  // Words as tantivy's `en_stem` reads them before stemming: runs of
  // letters and digits, lower-cased, shorter than 40 bytes.
  var encoder = new TextEncoder();
  function tokens(text) {
    return (text.toLowerCase().match(/[\p{Alphabetic}\p{N}]+/gu) || []).filter(function (w) {
      return encoder.encode(w).length < 40;
    });
  }

  // Edits between two words (a swap of neighbours is one), or more than
  // `most` when that is all that matters: tantivy's fuzzy distance.
  function distance(a, b, most) {
    if (Math.abs(a.length - b.length) > most) return most + 1;
    var rows = [], i, j;
    for (i = 0; i <= a.length; i++) { rows.push([i]); }
    for (j = 1; j <= b.length; j++) rows[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      var least = most + 1;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
        rows[i][j] = d;
        least = Math.min(least, d);
      }
      if (least > most) return most + 1;
    }
    return rows[a.length][b.length];
  }

  // The static index: a manifest, then shards fetched when a query needs
  // them, each once.
  function staticIndex(base) {
    var files = {};
    // Shards as parsed, by file name: each is parsed once.
    var parsed = {};
    var decoder = new TextDecoder();
    // A promise kept in `cache` under `key`, made once, forgotten if it fails.
    function once(cache, key, make) {
      if (!cache[key]) {
        cache[key] = make();
        cache[key].catch(function () { delete cache[key]; });
      }
      return cache[key];
    }
    function get(path, as) {
      return once(files, path, function () {
        // The manifest is checked with the server each time; the shards are
        // named by their content.
        return fetch(base + path, path === "index.json" ? { cache: "no-cache" } : {}).then(function (r) {
          if (!r.ok) throw new Error(path + ": HTTP " + r.status);
          return as === "json" ? r.json() : as === "text" ? r.text() : r.arrayBuffer();
        });
      });
    }
    // The shard whose range holds key: the last that starts at or before it.
    function shardOf(starts, key) {
      var lo = 0, hi = starts.length - 1, found = null;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (starts[mid][0] <= key) { found = starts[mid][1]; lo = mid + 1; } else hi = mid - 1;
      }
      return found;
    }
    // A dictionary shard: each written form with its stem, in order.
    function dictionary(m, form) {
      var name = shardOf(m.words, form);
      if (!name) return Promise.resolve(new Map());
      return once(parsed, name, function () {
        return get(name, "text").then(function (text) {
          var stems = new Map();
          text.split("\n").forEach(function (line) {
            if (!line) return;
            var tab = line.indexOf("\t");
            stems.set(tab < 0 ? line : line.slice(0, tab), tab < 0 ? line : line.slice(tab + 1));
          });
          return stems;
        });
      });
    }
    // A postings or filter shard's records by key (docs/output.md): the
    // incidents as numbers or a bitmap, with scores when they have them.
    function records(buffer) {
      var bytes = new Uint8Array(buffer), at = 0, map = new Map();
      function varint() {
        var value = 0, shift = 0, b;
        do { b = bytes[at++]; value += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
        return value;
      }
      function take(n) { at += n; return bytes.subarray(at - n, at); }
      function numbers(n) {
        var out = new Array(n), last = 0;
        for (var i = 0; i < n; i++) { last = i ? last + varint() : varint(); out[i] = last; }
        return out;
      }
      while (at < bytes.length) {
        var key = decoder.decode(take(varint()));
        var flags = bytes[at++], record = {};
        if (flags & 1) {
          record.bitmap = take(varint());
          if (flags & 2) {
            var k = varint();
            record.top = numbers(k);
            record.topScores = take(k);
            record.rest = bytes[at++];
          }
        } else {
          var n = varint();
          record.numbers = numbers(n);
          if (flags & 2) record.scores = take(n);
        }
        map.set(key, record);
      }
      return map;
    }
    function shard(name) {
      return once(parsed, name, function () { return get(name, "bytes").then(records); });
    }
    // Call fn(number, score byte) for each incident of a record.
    function each(record, fn) {
      if (record.numbers) {
        record.numbers.forEach(function (d, i) { fn(d, record.scores ? record.scores[i] : 0); });
        return;
      }
      var top = new Map();
      (record.top || []).forEach(function (d, i) { top.set(d, record.topScores[i]); });
      for (var byte = 0; byte < record.bitmap.length; byte++) {
        var bits = record.bitmap[byte];
        for (var bit = 0; bits && bit < 8; bit++) {
          if (bits & (1 << bit)) { var d = byte * 8 + bit; fn(d, top.has(d) ? top.get(d) : record.rest || 0); }
        }
      }
    }
    // The stems of the query's words, or with `fuzzy`, of the words of
    // the dictionary within one edit (two for longer words) of them.
    function stemsOf(m, words, fuzzy) {
      return Promise.all(words.map(function (word) {
        return dictionary(m, word).then(function (stems) {
          if (!fuzzy) return stems.has(word) ? [[word, stems.get(word)]] : [];
          var most = word.length > 5 ? 2 : 1, near = [];
          stems.forEach(function (stem, form) { if (distance(word, form, most) <= most) near.push([form, stem]); });
          return near;
        });
      })).then(function (found) { return [].concat.apply([], found); });
    }
    // Scores per incident number for these stems: BM25 summed over words.
    function scored(m, stems) {
      var scores = new Float64Array(m.docs);
      return Promise.all(stems.map(function (stem) {
        var name = shardOf(m.terms, stem);
        return name ? shard(name).then(function (map) { return map.get(stem); }) : null;
      })).then(function (found) {
        found.forEach(function (record) {
          if (record) each(record, function (d, q) { scores[d] += Math.exp(q / 255 * m.scale) - 1 + 1e-9; });
        });
        return scores;
      });
    }
    function filterIndex(m, name) {
      return m.filters[name] ? shard(m.filters[name]) : Promise.resolve(new Map());
    }
    function result(d, highlight) {
      return get("doc/" + d + ".json", "json").then(function (doc) {
        doc.url = root + doc.url.replace(/^\//, "");
        doc.excerpt = quote(doc.text || "", highlight);
        return doc;
      });
    }
    function search(query, options) {
      return get("index.json", "json").then(function (m) {
        var words = [];
        tokens(query).forEach(function (w) { if (words.indexOf(w) < 0) words.push(w); });
        var wanted = Object.keys(options.filters);
        var counted = options.counts ? Object.keys(m.filters) : wanted;
        return Promise.all(counted.map(function (name) { return filterIndex(m, name); })).then(function (maps) {
          var byName = {};
          counted.forEach(function (name, i) { byName[name] = maps[i]; });
          // Incidents every ticked filter allows (values of one filter: any).
          var allowed = null;
          if (wanted.length) {
            allowed = new Uint8Array(m.docs);
            wanted.forEach(function (name) {
              var seen = new Uint8Array(m.docs);
              options.filters[name].any.forEach(function (value) {
                var record = byName[name].get(value);
                if (record) each(record, function (d) { seen[d] = 1; });
              });
              seen.forEach(function (yes, d) { if (yes) allowed[d]++; });
            });
          }
          var passes = function (d) { return !allowed || allowed[d] === wanted.length; };
          function found(stems) {
            if (!words.length) {
              var all = [];
              for (var d = m.docs - 1; d >= 0; d--) if (passes(d)) all.push(d);
              return Promise.resolve({ numbers: all, stems: [] });
            }
            return scored(m, stems.map(function (s) { return s[1]; })).then(function (scores) {
              var hits = [];
              scores.forEach(function (score, d) { if (score > 0 && passes(d)) hits.push(d); });
              hits.sort(function (a, b) { return scores[b] - scores[a] || b - a; });
              return { numbers: hits, stems: stems };
            });
          }
          return stemsOf(m, words, false).then(found).then(function (exact) {
            if (exact.numbers.length || !words.length) return exact;
            // Typos never fail: nothing matched, so try close words.
            return stemsOf(m, words, true).then(found).then(function (near) { near.similar = true; return near; });
          }).then(function (hits) {
            // Counts over the results, per value of every filter, when asked.
            var counts = null;
            if (options.counts) {
              counts = {};
              var mine = new Uint8Array(m.docs);
              hits.numbers.forEach(function (d) { mine[d] = 1; });
              Object.keys(byName).forEach(function (name) {
                counts[name] = {};
                byName[name].forEach(function (record, value) {
                  var n = 0;
                  each(record, function (d) { n += mine[d]; });
                  counts[name][value] = n;
                });
              });
            }
            var highlight = { forms: hits.stems.map(function (s) { return s[0]; }), stems: hits.stems.map(function (s) { return s[1]; }) };
            return {
              similar: !!hits.similar,
              counts: counts,
              results: hits.numbers.map(function (d) { return function () { return result(d, highlight); }; })
            };
          });
        });
      });
    }
    return { search: search };
  }

  // About forty words of an incident's text around its best run of
  // matches, as parts marked or not: the first forty when nothing there
  // matches (the title or a heading did).
  function quote(text, highlight) {
    var words = [], re = /[\p{Alphabetic}\p{N}]+/gu, m;
    while ((m = re.exec(text))) {
      var w = m[0].toLowerCase();
      var hit = highlight.forms.indexOf(w) >= 0 || highlight.stems.some(function (s) {
        return s.length >= 3 && w.lastIndexOf(s, 0) === 0;
      });
      words.push({ start: m.index, end: m.index + m[0].length, hit: hit });
    }
    var LENGTH = 40, best = 0, bestAt = 0, inWindow = 0, i;
    for (i = 0; i < words.length; i++) {
      inWindow += words[i].hit ? 1 : 0;
      if (i >= LENGTH && words[i - LENGTH].hit) inWindow--;
      if (inWindow > best) { best = inWindow; bestAt = Math.max(0, i - LENGTH + 1); }
    }
    if (best) {
      while (!words[bestAt].hit) bestAt++;
      bestAt = Math.max(0, bestAt - 12);
    }
    var last = Math.min(words.length, bestAt + LENGTH) - 1;
    if (last < 0) return [];
    var parts = [], at = words[bestAt].start;
    if (bestAt > 0) parts.push({ text: "… " });
    for (i = bestAt; i <= last; i++) {
      if (!words[i].hit) continue;
      if (words[i].start > at) parts.push({ text: text.slice(at, words[i].start) });
      parts.push({ text: text.slice(words[i].start, words[i].end), mark: true });
      at = words[i].end;
    }
    parts.push({ text: text.slice(at, words[last].end) + (last < words.length - 1 ? " …" : "") });
    return parts;
  }

  // The preview server's search, shaped as the static index's: results
  // as the static index's result files are, and counts per filter value.
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
        // The snippet marks its matches with [brackets].
        var excerpt = (hit.snippet || "").split(/(\[[^\]]*\])/).filter(Boolean).map(function (part) {
          return /^\[.*\]$/.test(part) ? { text: part.slice(1, -1), mark: true } : { text: part };
        });
        var data = {
          url: root + "incidents/" + hit.id + "/", title: hit.title, date: hit.date, minutes: hit.duration_minutes,
          tag: hit.tags, service: hit.services, severity: hit.severity ? [hit.severity] : [], excerpt: excerpt
        };
        return function () { return Promise.resolve(data); };
      });
      return { results: results, counts: options.counts ? counts : null };
    });
  }

  function load() {
    if (preview && preview.api) return { search: function (words, options) { return apiSearch(words, options); } };
    return engine || (engine = staticIndex(form.getAttribute("data-index")));
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

  // A value the page has no box for (a long filter offers only its most
  // used) links to this page with that filter ticked.
  function term(cls, filter, name) {
    var a = el("a", cls, name);
    a.href = (termUrls[filter] || {})[name] || "?" + new URLSearchParams([[filter, name]]);
    return a;
  }

  // The box of one filter's value: one the address asks for that the page
  // does not offer gets a box of its own (its count comes with the others').
  function boxFor(name, value) {
    var box = boxes.filter(function (b) { return b.name === name && b.value === value; })[0];
    var panel = panels.filter(function (p) { return p.getAttribute("data-filter") === name; })[0];
    if (box || !panel) return box;
    var label = el("label"), count = el("span", "count");
    box = el("input");
    box.type = "checkbox";
    box.name = name;
    box.value = value;
    count.setAttribute("data-count", "");
    label.append(box, " ", el("span", "facet-name", value), " ", count);
    panel.querySelector("fieldset").appendChild(label);
    box.addEventListener("change", run);
    boxes.push(box);
    return box;
  }

  // A duration as the archive's pages write it (render::view::minutes_text).
  function durationText(minutes) {
    var d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    if (d) return h ? d + " d " + h + " h" : d + " d";
    if (h) return m ? h + " h " + m + " min" : h + " h";
    return m + " min";
  }

  function excerpt(parts) {
    var p = el("p", "row-summary excerpt");
    parts.forEach(function (part) {
      p.appendChild(part.mark ? el("mark", "", part.text) : document.createTextNode(part.text));
    });
    return p;
  }

  // One result, as the archive's rows show it.
  function render(data) {
    var li = el("li", "row");
    var title = el("a", "row-title", data.title);
    title.href = data.url;
    li.appendChild(title);
    var facts = el("div", "row-meta");
    if (data.date) { var t = el("time", "", data.date); t.dateTime = data.date; facts.appendChild(t); }
    (data.severity || []).forEach(function (s) { facts.appendChild(term("badge sev sev-" + s.toLowerCase(), "severity", s)); });
    if (data.minutes) facts.appendChild(el("span", "duration", durationText(Number(data.minutes))));
    (data.tag || []).forEach(function (t) { facts.appendChild(term("chip tag", "tag", t)); });
    (data.service || []).forEach(function (s) { facts.appendChild(term("chip service", "service", s)); });
    if (data.kind) facts.appendChild(el("span", "badge kind", data.kind));
    li.appendChild(facts);
    // Browsing (no words) has nothing to quote: the summary says more.
    if (input.value.trim() && data.excerpt && data.excerpt.length) li.appendChild(excerpt(data.excerpt));
    else if (data.summary) li.appendChild(el("p", "row-summary", data.summary));
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
    boxes.forEach(function (box) { box.checked = false; });
    params.forEach(function (value, name) {
      var box = boxFor(name, value);
      if (box) box.checked = true;
    });
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
    return Promise.all(next.map(function (data) { return data(); })).then(function (data) {
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
    countsLoaded = countsLoaded || wantCounts;
    if (browsing && !filtered) {
      // Nothing asked: the counts are the archive's, as the page has them.
      shown = [];
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "Type words or tick a filter.";
      boxes.forEach(function (box) {
        var count = box.parentNode.querySelector("[data-count]");
        count.textContent = count.getAttribute("data-count");
        box.parentNode.classList.remove("empty");
      });
      return;
    }
    var filters = {};
    Object.keys(want.filters).forEach(function (name) { filters[name] = { any: want.filters[name] }; });
    // Filters alone list incidents newest first, as the archive's pages do.
    load().search(want.words, { filters: filters, counts: countsLoaded }).then(function (search) {
      if (turn !== latest) return;
      if (search.counts) showCounts(search.counts);
      shown = search.results;
      list.replaceChildren();
      return showMore().then(function () {
        if (turn !== latest) return;
        var n = shown.length;
        status.textContent = n + " incident" + (n === 1 ? "" : "s") + (browsing ? ", newest first" : ", best match first") +
          (search.similar ? " (no exact match: similar words)" : "");
      });
    }).catch(function () {
      status.textContent = "Search could not load its index (search/data/). Browse by root cause, service, severity or year instead.";
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
