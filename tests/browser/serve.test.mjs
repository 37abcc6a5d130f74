// What an author sees while writing, in headless Chromium: `coroner serve`
// over a copy of the sample archive; the page reloads by itself after a
// save and keeps its scroll position, broken front matter shows an overlay
// that goes away when fixed, and the search page asks the live index.
//
//   (cd tests/browser && npm ci) && node --test tests/browser/
//
// CORONER_BIN and CHROMIUM as in site.test.mjs.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "..", "..");
const coroner = resolve(repo, process.env.CORONER_BIN || "target/debug/coroner");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const INCIDENT = "incidents/2024-03-12-checkout-dns-outage/";
const SOURCE = "content/2024/2024-03-12-checkout-dns-outage.md";
const TITLE = "Checkout unreachable after a DNS record pointed at a retired CDN distribution";

let root;
let server;
let url;
let browser;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "coroner-serve-"));
  cpSync(join(repo, "content"), join(root, "content"), { recursive: true });
  cpSync(join(repo, "site.toml"), join(root, "site.toml"));
  server = spawn(coroner, ["serve", "--port", "0", "--root", root], { stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise((ok, fail) => {
    server.on("exit", (code) => fail(new Error(`coroner serve exited with ${code}`)));
    createInterface({ input: server.stdout }).on("line", (line) => {
      const found = line.match(/http:\/\/\S+/);
      if (found) ok(found[0]);
    });
  });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGINT");
  rmSync(root, { recursive: true, force: true });
});

function save(text) {
  writeFileSync(join(root, SOURCE), text);
}

test("a save reloads the page where it was scrolled to, and mistakes show in an overlay", async () => {
  const original = readFileSync(join(root, SOURCE), "utf8");
  const page = await browser.newPage({ viewport: { width: 1000, height: 500 } });
  await page.goto(url + INCIDENT);
  assert.equal(await page.locator("h1").first().textContent(), TITLE);
  await page.evaluate(() => window.scrollTo(0, 600));
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 0, "the incident page is long enough to scroll");

  save(original.replace(`title: "${TITLE}"`, 'title: "Checkout down: renamed while previewing"'));
  await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("renamed while previewing"));
  assert.ok(Math.abs((await page.evaluate(() => window.scrollY)) - scrolled) < 50, "the scroll position is kept");
  assert.equal(await page.locator("#coroner-overlay").count(), 0, "no overlay on a page without warnings");

  save(original.replace("date: 2024-03-12", "date: [2024-03-12"));
  const overlay = page.locator("#coroner-overlay");
  await overlay.waitFor();
  assert.match(await overlay.textContent(), /front-matter-invalid/);
  assert.match(await overlay.textContent(), /2024-03-12-checkout-dns-outage\.md:\d+/);

  save(original);
  await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("retired CDN"));
  assert.equal(await page.locator("#coroner-overlay").count(), 0, "the overlay goes once fixed");
  await page.close();
});

test("the search page asks the live index while serving", async () => {
  const page = await browser.newPage();
  const asked = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  await page.goto(url + "search/?q=certificate");
  const first = page.locator("[data-results] li .row-title").first();
  await first.waitFor();
  assert.match(await first.textContent(), /certificate/i);
  assert.ok(asked.includes("/api/search"), "it used /api/search");
  assert.ok(!asked.some((p) => p.includes("search/data")), "not the static index, which serve does not build");
  assert.match(await page.locator("[data-results] mark").first().textContent(), /certificate/i, "the match is highlighted");

  await page.goto(url + "search/");
  await page.locator("details[data-filter=tag] summary").click();
  await page.locator("input[name=tag][value=dns]").check();
  await page.waitForFunction(() => /newest first/.test(document.querySelector(".search-status").textContent));
  const titles = await page.locator("[data-results] li .row-title").allTextContents();
  assert.ok(titles.some((t) => t.startsWith("Checkout unreachable")), titles.join("\n"));
  assert.ok(titles.length >= 2, "every incident tagged dns");
  await page.close();
});
