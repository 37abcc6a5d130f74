// Bytes a browser downloads for one-word queries on a built site's search
// page, each in a fresh browser context (nothing cached).
//
//   node benches/search/bytes.mjs SITE_DIR WORDS_FILE [PAGEFIND_DIR]
//
// Serves SITE_DIR on 127.0.0.1 and opens search/?q=WORD in headless Chromium
// (CHROMIUM, default /usr/bin/chromium) for each word of WORDS_FILE (one a
// line), waits for the results, and prints JSON: one {word, bytes,
// requests, results, files: {path: bytes}} per word. With PAGEFIND_DIR (a
// bundle Pagefind's CLI made from the same HTML), the page is the same
// search page with Pagefind's script in place of coroner's: it loads
// Pagefind, searches, and loads the first ten results, as coroner's page
// does. Bytes are the files as served, with no HTTP compression (Pagefind's
// index files are gzipped already; a host that compresses HTML, CSS, JS
// and coroner's index sends less).
import { createServer } from "node:http";
import { readFileSync, statSync, existsSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { chromium } from "playwright-core";

const [siteArg, wordsArg, pagefindArg] = process.argv.slice(2);
if (!siteArg || !wordsArg) {
  console.error("usage: bytes.mjs SITE_DIR WORDS_FILE [PAGEFIND_DIR]");
  process.exit(2);
}
const site = resolve(siteArg);
const pagefind = pagefindArg ? resolve(pagefindArg) : null;
const words = readFileSync(wordsArg, "utf8").split("\n").filter(Boolean);
let files = {};

// Pagefind's search, shown as coroner's page shows results: the first ten,
// each with its excerpt, then a status line the bench waits for.
const PAGEFIND_SCRIPT = `
const q = new URLSearchParams(location.search).get("q");
const pf = await import("/pagefind/pagefind.js");
await pf.options({ excerptLength: 40, noWorker: true });
const search = await pf.search(q);
const shown = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
const list = document.querySelector("[data-results]");
for (const d of shown) { const li = document.createElement("li"); li.textContent = d.meta.title; list.append(li); }
const status = document.querySelector(".search-status");
status.hidden = false;
status.textContent = search.results.length + " incidents";
`;

function fileFor(path) {
  if (pagefind && path === "/pagefind-search.js") return { body: Buffer.from(PAGEFIND_SCRIPT) };
  const [root, rest] = pagefind && path.startsWith("/pagefind/") ? [pagefind, path.slice("/pagefind".length)] : [site, path];
  let file = resolve(root, "." + rest);
  if (file !== root && !file.startsWith(root + sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file)) return null;
  let body = readFileSync(file);
  if (pagefind && path === "/search/") {
    // The same page, with Pagefind's search in place of coroner's script.
    body = Buffer.from(
      body
        .toString()
        .replace(/<script src="[^"]*coroner\.js"[^>]*><\/script>/, '<script type="module" src="/pagefind-search.js"></script>')
        .replace(/<form class="search"([^>]*) hidden>/, '<form class="search"$1>'),
    );
  }
  return { file, body };
}

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
  const found = fileFor(path);
  if (!found) {
    res.writeHead(404).end();
    return;
  }
  const name = found.file || path;
  const type = name.endsWith(".html") || name.endsWith("/") ? "text/html" : name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : name.endsWith(".json") ? "application/json" : "application/octet-stream";
  files[path] = (files[path] || 0) + found.body.length;
  res.writeHead(200, { "content-type": type }).end(found.body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const reports = [];
try {
  for (const word of words) {
    files = {};
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/search/?q=${encodeURIComponent(word)}`);
    await page.locator(".search-status", { hasText: /incident|could not/ }).waitFor({ timeout: 60000 });
    await page.waitForLoadState("networkidle");
    const results = await page.locator("ol[data-results] > li").count();
    const bytes = Object.values(files).reduce((a, b) => a + b, 0);
    reports.push({ word, bytes, requests: Object.keys(files).length, results, files });
    await context.close();
  }
  console.log(JSON.stringify(reports));
} finally {
  await browser.close();
  server.close();
}
