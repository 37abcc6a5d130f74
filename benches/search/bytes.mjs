// Bytes a browser downloads for one query on a built site's search page.
//
//   node benches/search/bytes.mjs SITE_DIR QUERY [BUNDLE_DIR]
//
// Serves SITE_DIR on 127.0.0.1 (BUNDLE_DIR, when given, in place of its
// pagefind/ folder), opens search/?q=QUERY in headless Chromium (CHROMIUM,
// default /usr/bin/chromium), waits for the results, and prints JSON:
// {bytes, requests, results, files: {path: bytes}}. Bytes are the files as
// served, with no HTTP compression (Pagefind's index files are gzipped
// already; a host that compresses HTML, CSS and JS sends less).
import { createServer } from "node:http";
import { readFileSync, statSync, existsSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { chromium } from "playwright-core";

const [siteArg, query, bundleArg] = process.argv.slice(2);
if (!siteArg || !query) {
  console.error("usage: bytes.mjs SITE_DIR QUERY [BUNDLE_DIR]");
  process.exit(2);
}
const site = resolve(siteArg);
const bundle = bundleArg ? resolve(bundleArg) : join(site, "pagefind");
const files = {};

function fileFor(path) {
  const [root, rest] = path.startsWith("/pagefind/") ? [bundle, path.slice("/pagefind".length)] : [site, path];
  const file = resolve(root, "." + rest);
  if (file !== root && !file.startsWith(root + sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) return join(file, "index.html");
  return existsSync(file) ? file : null;
}

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
  const file = fileFor(path);
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  const body = readFileSync(file);
  const type = file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "application/octet-stream";
  files[path] = (files[path] || 0) + body.length;
  res.writeHead(200, { "content-type": type }).end(body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/search/?q=${encodeURIComponent(query)}`);
  await page.locator(".search-status", { hasText: /incident|could not/ }).waitFor({ timeout: 60000 });
  await page.waitForLoadState("networkidle");
  const results = await page.locator("ol[data-results] > li").count();
  const bytes = Object.values(files).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ bytes, requests: Object.keys(files).length, results, files }));
} finally {
  await browser.close();
  server.close();
}
