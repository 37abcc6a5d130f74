// What a reader sees of the sample archive, in headless Chromium.
//
// Builds the sample archive (the repo root) with the coroner binary
// (CORONER_BIN, default target/debug/coroner), serves it from 127.0.0.1 on a
// random port, opens the home page, a tag page and an incident page, checks
// the facts a reader reads there, runs axe-core in light and dark mode and
// saves full-page screenshots into target/screenshots/ (SCREENSHOT_DIR to
// change). Any request to another host fails the run.
//
//   (cd tests/browser && npm ci) && node --test tests/browser/
//
// Chromium is the system one (CHROMIUM, default /usr/bin/chromium):
// playwright-core never downloads a browser.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, rmSync, statSync, createReadStream, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, extname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { localOnly } from "./local-only.mjs";

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "..", "..");
const coroner = resolve(repo, process.env.CORONER_BIN || "target/debug/coroner");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = resolve(repo, process.env.SCREENSHOT_DIR || "target/screenshots");
const axePath = require.resolve("axe-core/axe.min.js");

const HOME = "/";
const TAG = "/tags/dns/";
const INCIDENT = "/incidents/2024-03-12-checkout-dns-outage/";
const SEARCH = "/search/";
const STATS = "/stats/";
const PAGES = { home: HOME, tag: TAG, incident: INCIDENT, stats: STATS, search: SEARCH };

let site; // the built archive
let server;
let origin;
let subSite; // the same archive built for base_url /postmortems/
let subServer;
let subOrigin;
let browser;
const served = []; // every path the server answered, with its status
const offsite = []; // every request Chromium tried to make elsewhere

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};

function serve(root) {
  return createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = resolve(root, "." + path);
    if (file !== root && !file.startsWith(root + sep)) {
      served.push({ path, status: 403 });
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file) || !statSync(file).isFile()) {
      served.push({ path, status: 404 });
      const notFound = join(root, "404.html");
      res.writeHead(404, { "content-type": TYPES[".html"] });
      if (existsSync(notFound)) createReadStream(notFound).pipe(res);
      else res.end("not found");
      return;
    }
    served.push({ path, status: 200 });
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
}

/** A context whose every request is checked: only 127.0.0.1 may be asked. */
async function newContext(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await localOnly(context, offsite);
  return context;
}

/** Opens a page and fails on a console error or a page error. */
async function open(context, path) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console error: ${m.text()}`);
  });
  const response = await page.goto(origin + path, { waitUntil: "load" });
  assert.equal(response.status(), 200, `${path} answers 200`);
  page.errors = errors;
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** axe-core on the page: any serious or critical violation fails. */
async function accessible(page, label) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const text = bad
    .map(
      (v) =>
        `  [${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes
          .slice(0, 8)
          .map((n) => `      ${n.target.join(" ")}\n        ${n.failureSummary.replace(/\n/g, "\n        ")}`)
          .join("\n"),
    )
    .join("\n");
  for (const v of result.violations.filter((v) => !bad.includes(v))) {
    // Reported, not failed: worth a look when the theme changes.
    console.log(`axe-core on ${label}: [${v.impact}] ${v.id} (${v.nodes.length}): ${v.help}`);
  }
  assert.equal(bad.length, 0, `axe-core on ${label}:\n${text}`);
}

const texts = (locator) => locator.allInnerTexts().then((all) => all.map((t) => t.replace(/\s+/g, " ").trim()));

before(async () => {
  assert.ok(existsSync(coroner), `coroner binary at ${coroner} (build it, or set CORONER_BIN)`);
  assert.ok(existsSync(chromiumPath), `Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM)`);
  site = mkdtempSync(join(tmpdir(), "coroner-site-"));
  execFileSync(coroner, ["build", "--root", repo, "--output", site, "--quiet"], { stdio: ["ignore", "inherit", "inherit"] });
  mkdirSync(shots, { recursive: true });
  server = serve(site);
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  subSite = mkdtempSync(join(tmpdir(), "coroner-subpath-"));
  execFileSync(
    coroner,
    ["build", "--root", repo, "--output", join(subSite, "postmortems"), "--base-url", "/postmortems/", "--quiet"],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  subServer = serve(subSite);
  await new Promise((ok) => subServer.listen(0, "127.0.0.1", ok));
  subOrigin = `http://127.0.0.1:${subServer.address().port}`;
  // playwright-core starts Chromium with a fresh temporary --user-data-dir
  // of its own (it refuses one in `args`) and adds --headless itself.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  for (const s of [server, subServer]) await new Promise((ok) => (s ? s.close(ok) : ok()));
  for (const dir of [site, subSite]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test("home page: every incident listed with its title, date and severity", async () => {
  const context = await newContext();
  const page = await open(context, HOME);
  assert.equal(await page.title(), "Northwind Parcel — postmortems");
  assert.equal(await page.locator("h1").innerText(), "Northwind Parcel — postmortems");
  const rows = page.locator("ol[data-rows] > li.row");
  assert.equal(await rows.count(), 12, "the 12 published incidents");
  const dns = rows.filter({ hasText: "Checkout unreachable after a DNS record pointed at a retired CDN distribution" });
  assert.equal(await dns.count(), 1);
  assert.equal(await dns.locator("time").innerText(), "2024-03-12");
  assert.equal(await dns.locator(".badge.sev").innerText(), "SEV1");
  const recurrence = rows.filter({ hasText: "Checkout DNS failures return" });
  assert.equal(await recurrence.locator("time").innerText(), "2024-05-28");
  assert.equal(await recurrence.locator(".badge.sev").innerText(), "SEV2");
  // Newest first.
  const dates = await texts(rows.locator("time"));
  assert.deepEqual(dates, [...dates].sort().reverse());
  // Landmarks a screen reader offers.
  assert.equal(await page.getByRole("banner").count(), 1);
  assert.equal(await page.getByRole("main").count(), 1);
  assert.equal(await page.getByRole("contentinfo").count(), 1);
  assert.equal(await page.getByRole("navigation", { name: "Main" }).count(), 1);
  assert.equal(await page.getByRole("search", { name: "Search incidents" }).count(), 1);
  assert.equal(await page.getByRole("search", { name: "Site" }).count(), 1);
  await shot(page, "home-light");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("stats: chart text is legible at 375 and 1280 px, every quarter labelled, each chart with its data", async () => {
  for (const viewport of [{ width: 375, height: 740 }, { width: 1280, height: 900 }]) {
    const context = await newContext({ viewport });
    const page = await open(context, STATS);
    const charts = await page.locator("svg.chart").evaluateAll((svgs) =>
      svgs.map((svg) => {
        const scale = svg.getScreenCTM().a;
        const shown = [...svg.querySelectorAll("text")].filter((t) => getComputedStyle(t).display !== "none");
        return {
          name: svg.getAttribute("aria-label"),
          // The size a reader sees: the CSS size times the SVG's own scaling.
          sizes: shown.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale),
          labels: shown.filter((t) => t.classList.contains("chart-label")).map((t) => {
            const r = t.getBoundingClientRect();
            return { text: t.textContent, left: r.left, right: r.right, top: r.top };
          }),
          right: svg.getBoundingClientRect().right,
        };
      }),
    );
    assert.equal(charts.length, 5);
    for (const chart of charts) {
      const smallest = Math.min(...chart.sizes);
      assert.ok(smallest >= 12, `${chart.name} at ${viewport.width} px: text ${smallest.toFixed(1)} px high`);
      assert.ok(chart.right <= viewport.width, `${chart.name} fits the ${viewport.width} px page`);
    }
    // Each of the sample's 14 quarters is labelled, and no two labels overlap.
    const quarters = charts.find((c) => c.name === "Incidents per quarter").labels.filter((l) => /^Q\d$/.test(l.text));
    assert.equal(quarters.length, 14, `quarter labels at ${viewport.width} px`);
    for (const [a, b] of quarters.slice(1).map((q, i) => [quarters[i], q])) {
      assert.ok(a.right <= b.left, `${a.text} and ${b.text} overlap at ${viewport.width} px`);
    }
    // Every chart keeps its numbers as a table.
    for (const name of ["Incidents per quarter", "By root cause", "By severity", "By service"]) {
      const section = page.getByRole("region", { name });
      assert.equal(await section.locator("details table").count(), 1, `${name}: a data table`);
    }
    await shot(page, `stats-${viewport.width}`);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test("search excerpts quote the prose, not the title, headings or labels", async () => {
  const context = await newContext();
  const page = await open(context, `${SEARCH}?q=slowdown`);
  const rows = page.locator("ol[data-results] > li.row");
  await page.locator(".search-status", { hasText: /^1 incident, best match first$/ }).waitFor();
  assert.deepEqual(await texts(rows.locator(".row-title")), ["Black Friday Checkout Slowdown 🛒🐢"]);
  const excerpt = (await texts(rows.locator(".excerpt")))[0];
  for (const unwanted of ["Black Friday Checkout Slowdown", "Issue Summary", "Duration:", "Impact:"]) {
    assert.ok(!excerpt.includes(unwanted), `the excerpt quotes "${unwanted}": ${excerpt}`);
  }
  assert.match(excerpt, /^November 24, 2023/);
  await context.close();
});

test("search page: words, then a root-cause filter, with counts and a shareable URL", async () => {
  const context = await newContext();
  const page = await open(context, SEARCH);
  const form = page.getByRole("search", { name: "Search incidents" });
  await form.waitFor({ state: "visible" });
  const rows = form.locator("ol[data-results] > li.row");
  const status = form.locator(".search-status");

  await form.getByLabel("Words").fill("reconciler");
  await status.filter({ hasText: /^1 incident, best match first$/ }).waitFor();
  assert.deepEqual(await texts(rows.locator(".row-title")), [
    "Checkout DNS failures return: the reconciler restored the stale CNAME",
  ]);
  assert.match(await rows.locator(".excerpt mark").first().innerText(), /^reconcile/i, "the match is highlighted");
  // The result shows what the home page's row shows, with the same links.
  const home = await open(context, HOME);
  const listedRow = home.locator("ol[data-rows] > li.row", { hasText: "Checkout DNS failures return" });
  for (const part of ["time", ".badge.sev", ".duration", ".chip.tag", ".chip.service"]) {
    assert.deepEqual(await texts(rows.locator(`.row-meta ${part}`)), await texts(listedRow.locator(`.row-meta ${part}`)), part);
  }
  for (const part of ["a.row-title", ".badge.sev", ".chip.tag", ".chip.service"]) {
    const hrefs = (list) => list.evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    assert.deepEqual(await hrefs(rows.locator(part)), await hrefs(listedRow.locator(part)), part);
  }
  assert.equal(new URL(page.url()).search, "?q=reconciler");
  // What is searched is what the incidents say, not the data each result
  // is shown with: no incident says "kind" or "url" (at most, words close
  // to them are offered, as `coroner search` does).
  for (const word of ["kind", "url"]) {
    await form.getByLabel("Words").fill(word);
    await status.filter({ hasText: /^0 incidents, best match first$|similar words\)$/ }).waitFor();
  }
  // A typo still finds the incident, and says it found a close word.
  await form.getByLabel("Words").fill("reconciller");
  await status.filter({ hasText: /^1 incident, best match first \(no exact match: similar words\)$/ }).waitFor();
  assert.deepEqual(await texts(rows.locator(".row-title")), [
    "Checkout DNS failures return: the reconciler restored the stale CNAME",
  ]);
  assert.match(await rows.locator(".excerpt mark").first().innerText(), /^reconcile/i, "the close word is highlighted");

  // Filters alone browse, newest first; the tag page lists the same incidents.
  await form.getByLabel("Words").fill("");
  await form.locator("details[data-filter=tag] summary").click(); // opening it loads the counts
  await form.locator("details[data-filter=tag] input[value=dns]").check();
  await status.filter({ hasText: /^4 incidents, newest first$/ }).waitFor();
  const found = await texts(rows.locator(".row-title"));
  const tagPage = await open(context, TAG);
  const listed = await texts(tagPage.locator("ol[data-rows] .row-title"));
  assert.deepEqual(found, listed, "search and the tag page agree, in the same order");
  assert.equal(found.at(-1), "Internal resolvers answered with public addresses", "an incident without a date is listed too, last");
  const summaries = (list) => texts(list.locator(".row-summary"));
  assert.deepEqual(await summaries(rows), await summaries(tagPage.locator("ol[data-rows]")), "browsing shows each summary as lists do");
  const dates = await texts(rows.locator("time"));
  assert.deepEqual(dates, [...dates].sort().reverse());
  for (const row of await rows.all()) {
    assert.ok((await texts(row.locator(".chip.tag"))).includes("dns"), "every result has the dns tag");
  }
  // Counts follow the results: 4 dns incidents, of which those on checkout.
  const count = (filter, value) =>
    form.locator(`details[data-filter=${filter}] label`, { has: page.locator(`input[value="${value}"]`) }).locator("[data-count]").textContent();
  assert.equal(await count("tag", "dns"), "4");
  const onCheckout = (await Promise.all((await rows.all()).map((row) => texts(row.locator(".chip.service"))))).filter((s) => s.includes("checkout"));
  assert.ok(onCheckout.length > 0);
  assert.equal(await count("service", "checkout"), String(onCheckout.length));
  assert.equal(new URL(page.url()).search, "?tag=dns");
  await shot(page, "search-dns");
  assert.deepEqual(page.errors, []);

  // A shared link opens the same search.
  const shared = await open(context, `${SEARCH}?q=timeout&tag=database`);
  const sharedForm = shared.getByRole("search", { name: "Search incidents" });
  await sharedForm.locator(".search-status", { hasText: /best match first/ }).waitFor();
  assert.equal(await sharedForm.getByLabel("Words").inputValue(), "timeout");
  assert.equal(await sharedForm.locator("details[data-filter=tag] input[value=database]").isChecked(), true);
  const sharedTitles = await texts(sharedForm.locator("ol[data-results] .row-title"));
  assert.ok(sharedTitles.includes("Tracking API outage caused by a database connection leak"), sharedTitles.join(" | "));
  assert.deepEqual(shared.errors, []);
  await context.close();
});

test("the search box on every page leads to the search page", async () => {
  const context = await newContext();
  const page = await open(context, INCIDENT);
  const box = page.getByRole("search", { name: "Site" }).getByRole("searchbox");
  await box.fill("cname");
  await box.press("Enter");
  await page.waitForURL("**/search/?q=cname");
  assert.equal(await page.getByRole("search", { name: "Site" }).count(), 0, "one search box on the search page, not two");
  await page.locator(".search-status", { hasText: /best match first/ }).waitFor();
  const titles = await texts(page.locator("ol[data-results] .row-title"));
  assert.ok(titles.includes("Checkout DNS failures return: the reconciler restored the stale CNAME"), titles.join(" | "));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("home page without JavaScript: the list is there; search says where to browse instead", async () => {
  const context = await newContext({ javaScriptEnabled: false });
  const page = await open(context, HOME);
  assert.equal(await page.locator("ol[data-rows] > li.row").count(), 12);
  await shot(page, "home-nojs");
  const search = await open(context, SEARCH);
  assert.equal(await search.locator("form[data-search]").isVisible(), false, "a search that cannot work stays hidden");
  const notice = search.locator("main .notice");
  assert.match(await notice.innerText(), /needs JavaScript/);
  assert.equal(await notice.getByRole("link", { name: "root causes" }).getAttribute("href"), "/tags/");
  await shot(page, "search-nojs");
  await context.close();
});

test("search works with base_url on a subpath", async () => {
  const context = await newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${subOrigin}/postmortems/search/?tag=dns`);
  await page.locator(".search-status", { hasText: /^4 incidents/ }).waitFor();
  const hrefs = await page.locator("ol[data-results] .row-title").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.equal(hrefs.length, 4);
  for (const href of hrefs) {
    assert.match(href, /^\/postmortems\/incidents\/[^/]+\/$/);
    assert.equal((await page.request.get(subOrigin + href)).status(), 200, `${href} exists`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("tag page: the DNS incidents", async () => {
  const context = await newContext();
  const page = await open(context, TAG);
  assert.equal(await page.title(), "Root cause: DNS — Northwind Parcel — postmortems");
  assert.equal(await page.locator("h1").innerText(), "Root cause: DNS");
  const titles = await texts(page.locator("ol[data-rows] .row-title"));
  assert.equal(titles.length, 4);
  assert.ok(titles.includes("Checkout unreachable after a DNS record pointed at a retired CDN distribution"));
  assert.ok(titles.includes("Checkout DNS failures return: the reconciler restored the stale CNAME"));
  assert.match(await page.locator(".page-header").innerText(), /4 incidents/);
  await shot(page, "tag-light");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("incident page: title, facts, timeline, links", async () => {
  const context = await newContext();
  const page = await open(context, INCIDENT);
  const title = "Checkout unreachable after a DNS record pointed at a retired CDN distribution";
  assert.equal(await page.title(), `${title} — Northwind Parcel — postmortems`);
  assert.equal(await page.locator("h1").innerText(), title);

  // The metadata panel, as label → value.
  const facts = page.getByRole("complementary", { name: "Incident facts" });
  const fact = (label) => facts.locator(".fact").filter({ has: page.locator("dt", { hasText: label }) }).locator("dd");
  // The zone as the file names it (its front matter says -04:00, its text EDT), the offset on hover.
  assert.equal(await fact("When").innerText(), "2024-03-12 14:02 → 15:49 EDT");
  assert.equal(await fact("When").locator("[title]").getAttribute("title"), "UTC−04:00");
  assert.match(await fact("Duration").innerText(), /^1 h 47 min/);
  assert.deepEqual(await texts(fact("Severity").locator("a")), ["SEV1"]);
  assert.deepEqual(await texts(fact("Services").locator("a")), ["checkout", "cdn"]);
  assert.deepEqual(await texts(fact("Root cause").locator("a")), ["dns", "config-change"]);
  assert.equal(await fact("Root cause").getByRole("link", { name: "dns" }).getAttribute("href"), "/tags/dns/");
  assert.equal(await fact("Authors").innerText(), "marta.lindqvist, dev.okonkwo");
  assert.match(await fact("Impact").innerText(), /62% of users/);

  // Timeline at a glance.
  const timeline = page.getByRole("region", { name: "Timeline at a glance" });
  const moments = timeline.locator("li.moment");
  assert.equal(await moments.count(), 10);
  const moment = (time) => moments.filter({ has: page.locator(".moment-time", { hasText: time }) });
  assert.match(await moment("17:55").innerText(), /retire legacy distributions/);
  assert.match(await moment("18:09").innerText(), /on-call paged/);
  assert.match(await moment("18:52").innerText(), /Revert applied/);
  assert.match(await moment("18:52").innerText(), /mitigated/i);
  assert.match(await moment("19:49").innerText(), /incident resolved/);
  assert.match(await moment("19:49").innerText(), /resolved/i);

  // Action items with their state.
  const actions = page.getByRole("region", { name: "Action items at a glance" });
  assert.equal(await actions.locator("li.done").count(), 2);
  assert.equal(await actions.locator("li.open").count(), 3);

  // Related incidents and backlinks lead to real pages.
  const related = page.getByRole("region", { name: "Related incidents" });
  const recurrence = related.getByRole("link", { name: "Checkout DNS failures return: the reconciler restored the stale CNAME" });
  assert.equal(await recurrence.count(), 1);
  const backlinks = page.getByRole("region", { name: "Referenced by" });
  const failover = backlinks.getByRole("link", {
    name: "Unplanned postgres-primary failover left checkout and billing on the old primary",
  });
  assert.equal(await failover.count(), 1);

  // Older / newer.
  const nav = page.getByRole("navigation", { name: "Previous and next incident" });
  assert.match(await nav.locator("a[rel=prev]").innerText(), /Tracking API outage caused by a database connection leak/);
  assert.match(await nav.locator("a[rel=next]").innerText(), /Checkout DNS failures return/);

  // Every link in those sections is a page that exists.
  const hrefs = await page
    .locator("section.related a, section.backlinks a, section.recurrences a, nav.prev-next a, aside.facts a")
    .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const href of new Set(hrefs)) {
    const r = await page.request.get(origin + href);
    assert.equal(r.status(), 200, `${href} exists`);
  }

  await shot(page, "incident-light");
  assert.deepEqual(page.errors, []);

  // Follow a backlink, then a related link, and read where we landed.
  await failover.click();
  await page.waitForURL("**/incidents/pg-failover-2025-06/");
  assert.equal(await page.locator("h1").innerText(), "Unplanned postgres-primary failover left checkout and billing on the old primary");
  await page.goBack();
  await page.getByRole("region", { name: "Related incidents" }).getByRole("link", { name: /^Checkout DNS failures return/ }).click();
  await page.waitForURL("**/incidents/2024-05-28-checkout-dns-recurrence/");
  assert.equal(await page.locator("h1").innerText(), "Checkout DNS failures return: the reconciler restored the stale CNAME");
  await page.locator("nav.prev-next a[rel=prev]").click();
  await page.waitForURL(`**${INCIDENT}`);
  assert.equal(await page.locator("h1").innerText(), title);
  await context.close();
});

test("incident page on a phone: nothing overflows sideways", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const context = await newContext({
      viewport: { width: 375, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      colorScheme,
    });
    for (const [name, path] of Object.entries(PAGES)) {
      const page = await open(context, path);
      const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        // What sticks out, to say where the overflow comes from.
        wide: [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > 376)
          .filter((e) => !e.closest("pre, .prose table, .visually-hidden"))
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
      }));
      // A phone widens the layout viewport to fit content that sticks out,
      // so innerWidth alone would hide the overflow: compare with 375 too.
      assert.equal(innerWidth, 375, `${path}: the layout viewport stays 375 px wide (it widens to fit overflow)`);
      assert.ok(scrollWidth <= innerWidth, `${path} at 375 px is ${scrollWidth} px wide: ${wide.join(", ")}`);
      await shot(page, `${name}-phone-${colorScheme}`);
      await page.close();
    }
    await context.close();
  }
});

for (const colorScheme of ["light", "dark"]) {
  test(`axe-core finds no serious or critical violation (${colorScheme})`, async () => {
    const context = await newContext({ colorScheme });
    for (const [name, path] of Object.entries(PAGES)) {
      const page = await open(context, path);
      const dark = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches);
      assert.equal(dark, colorScheme === "dark");
      if (colorScheme === "dark") await shot(page, `${name}-dark`);
      await accessible(page, `${path} (${colorScheme})`);
      await page.close();
    }
    // Search results too (rendered by the script).
    const page = await open(context, `${SEARCH}?q=dns&tag=dns`);
    await page.locator(".search-status", { hasText: "best match first" }).waitFor();
    await accessible(page, `${SEARCH} with results (${colorScheme})`);
    await context.close();
  });
}

test("print stylesheet: no navigation, the incident's facts and timeline stay, dark text on white", async () => {
  // A reader who prefers dark mode still prints dark text on white paper.
  const context = await newContext({ colorScheme: "dark" });
  const page = await open(context, INCIDENT);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".site-header").isVisible(), false);
  assert.equal(await page.locator("nav.prev-next").isVisible(), false);
  assert.equal(await page.locator("aside.facts").isVisible(), true);
  assert.equal(await page.locator("section.timeline").isVisible(), true);
  const colours = await page.evaluate(() =>
    ["body", ".fact dt", ".moment-text", ".prose p"].map((sel) => getComputedStyle(document.querySelector(sel)).color),
  );
  for (const colour of colours) {
    const [r, g, b] = colour.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 3 * 110, `printed text is dark, not ${colour}`);
  }
  const paper = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(paper, "rgb(255, 255, 255)");
  await shot(page, "incident-print");
  await context.close();
});

test("no request left 127.0.0.1, and every asked file existed", () => {
  assert.deepEqual(offsite, [], "requests to other hosts");
  const missing = served.filter((r) => r.status !== 200);
  assert.deepEqual(missing, [], "requests the site could not answer");
  assert.ok(served.some((r) => r.path === "/style.css"));
  assert.ok(served.some((r) => r.path === "/search/data/index.json"), "search loaded its index from the site itself");
});
