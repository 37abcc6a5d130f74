// The search page on a big archive, in headless Chromium: 10,000 generated
// postmortems (the benchmarks' generator, `examples/corpus.rs`), built with
// the optimised binary and served as plain files. Words, a typo, a filter
// with its counts, a shared URL, what a one-word query downloads, and a
// service beyond the 50 a filter offers (the archive has 200 made-up ones).
//
//   cargo build --release && node --test tests/browser/search-10k.mjs
//
// It is not named *.test.mjs: `node --test tests/browser/` runs the quick
// tests, .ci/run runs this one after the optimised build. CORONER_BIN
// (default target/release/coroner) and CHROMIUM (default /usr/bin/chromium)
// as in site.test.mjs; CORONER_LARGE_FILES changes the size.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, rmSync, statSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { localOnly } from "./local-only.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "..", "..");
const coroner = resolve(repo, process.env.CORONER_BIN || "target/release/coroner");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const FILES = Number(process.env.CORONER_LARGE_FILES || 10000);

let work;
let server;
let origin;
let browser;
let bytes = 0; // what the server sent since the last reset
const offsite = [];

before(async () => {
  assert.ok(existsSync(coroner), `coroner binary at ${coroner} (cargo build --release, or set CORONER_BIN)`);
  work = mkdtempSync(join(tmpdir(), "coroner-10k-"));
  // 200 made-up services besides the usual ones: more than a filter offers.
  const corpus = ["--example", "corpus", "--", String(FILES), join(work, "content"), "2026", "200"];
  execFileSync("cargo", ["run", "--release", "--quiet", ...corpus], {
    cwd: repo,
    stdio: ["ignore", "inherit", "inherit"],
  });
  execFileSync(coroner, ["build", "--root", work, "--quiet"], { stdio: ["ignore", "inherit", "inherit"] });
  const site = join(work, "public");
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    let file = resolve(site, "." + path);
    if (file !== site && !file.startsWith(site + sep)) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) return res.writeHead(404).end();
    const body = readFileSync(file);
    bytes += body.length;
    res.writeHead(200).end(body);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  assert.deepEqual(offsite, [], "requests to other hosts");
});

async function open(path) {
  const context = await browser.newContext();
  await localOnly(context, offsite);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  bytes = 0;
  await page.goto(origin + path);
  page.errors = errors;
  return page;
}

const form = (page) => page.getByRole("search", { name: "Search incidents" });
const statusOf = (page) => form(page).locator(".search-status");
const count = (text) => Number(text.match(/^(\d+) incident/)[1]);

test("words: the best matches first, highlighted, in under 300 kB", async () => {
  const page = await open("/search/?q=timeout");
  await statusOf(page).filter({ hasText: /best match first$/ }).waitFor();
  await page.waitForLoadState("networkidle");
  assert.ok(bytes <= 300_000, `a one-word query downloaded ${bytes} bytes`);
  const rows = form(page).locator("ol[data-results] > li.row");
  assert.equal(await rows.count(), 10, "the first ten");
  assert.ok(count(await statusOf(page).innerText()) > 10);
  assert.match(await rows.first().locator(".excerpt mark").first().innerText(), /^timeout/i);
  assert.deepEqual(page.errors, []);
});

test("a typo finds the word it meant, and says so", async () => {
  const page = await open("/search/?q=timout");
  await statusOf(page).filter({ hasText: /similar words\)$/ }).waitFor();
  const rows = form(page).locator("ol[data-results] > li.row");
  assert.equal(await rows.count(), 10);
  assert.match(await rows.first().locator(".excerpt mark").first().innerText(), /^timeout/i);
});

test("a filter alone lists its term's incidents newest first, with counts that follow", async () => {
  const page = await open("/search/");
  const f = form(page);
  await f.locator("details[data-filter=tag] summary").click();
  const box = f.locator("details[data-filter=tag] input[value=database]");
  const total = Number(await box.locator("xpath=..").locator("[data-count]").getAttribute("data-count"));
  await box.check();
  await statusOf(page).filter({ hasText: /newest first$/ }).waitFor();
  assert.equal(count(await statusOf(page).innerText()), total, "as many as the tag page lists");
  const rows = f.locator("ol[data-results] > li.row");
  for (const row of await rows.all()) {
    assert.ok((await row.locator(".chip.tag").allInnerTexts()).includes("database"));
  }
  const dates = await rows.locator("time").allInnerTexts();
  assert.deepEqual(dates, [...dates].sort().reverse(), "newest first");
  assert.equal(await box.locator("xpath=..").locator("[data-count]").innerText(), String(total));
  assert.equal(new URL(page.url()).search, "?tag=database");
});

test("a shared URL opens the same search: words and a filter", async () => {
  const page = await open("/search/?q=timeout&tag=database");
  await statusOf(page).filter({ hasText: /best match first$/ }).waitFor();
  assert.equal(await form(page).getByLabel("Words").inputValue(), "timeout");
  assert.ok(await form(page).locator("details[data-filter=tag] input[value=database]").isChecked());
  const rows = form(page).locator("ol[data-results] > li.row");
  assert.ok((await rows.count()) > 0);
  for (const row of await rows.all()) {
    assert.ok((await row.locator(".chip.tag").allInnerTexts()).includes("database"));
  }
  assert.deepEqual(page.errors, []);
});

test("a filter offers its most used values; any other is on its browse page and taken from the address", async () => {
  const page = await open("/search/");
  const services = form(page).locator("details[data-filter=service]");
  assert.equal(await services.locator("input").count(), 50, "the 50 most used");
  const offered = await services.locator("input").evaluateAll((boxes) => boxes.map((b) => b.value));
  const browse = await open(await services.locator(".facet-more a").getAttribute("href"));
  const last = browse.locator("ul.terms > li").last();
  const name = await last.locator("a").innerText();
  const total = Number(await last.locator(".count").innerText());
  assert.ok(!offered.includes(name), `${name} is not offered`);
  const shared = await open("/search/?service=" + encodeURIComponent(name));
  await statusOf(shared).filter({ hasText: /newest first$/ }).waitFor();
  assert.equal(count(await statusOf(shared).innerText()), total, "as many as its term page lists");
  const box = form(shared).locator(`details[data-filter=service] input[value="${name}"]`);
  assert.ok(await box.isChecked());
  // Its panel is closed: textContent, as innerText reads nothing there.
  assert.equal(await box.locator("xpath=..").locator("[data-count]").textContent(), String(total));
  const chip = form(shared).locator("ol[data-results] .chip.service", { hasText: name }).first();
  assert.equal(await chip.getAttribute("href"), "?service=" + encodeURIComponent(name).replace(/%20/g, "+"));
  assert.deepEqual(shared.errors, []);
});
