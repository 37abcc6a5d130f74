// coroner serve: reload the page after every rebuild, where it was
// scrolled to, and show this page's warnings and the build's error in an
// overlay. Served only by the preview server, never published.
(function () {
  "use strict";
  var preview = window.coronerPreview || {};
  var key = "coroner-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.scrollTo(0, Number(saved) || 0);
  }

  var events = new EventSource("/__coroner/events");
  events.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });

  var problems = (preview.notices || []).map(function (f) {
    return { where: f.file + (f.line ? ":" + f.line : ""), code: f.code, message: f.message, help: f.help };
  });
  if (preview.error) problems.unshift({ where: "build", code: "error", message: preview.error });
  if (!problems.length) return;

  var box = document.createElement("aside");
  box.id = "coroner-overlay";
  box.setAttribute("role", "alert");
  box.style.cssText = "position:fixed;right:1rem;bottom:1rem;max-width:36rem;max-height:50vh;overflow:auto;" +
    "z-index:2147483647;background:#1d1f21;color:#f5f5f5;font:14px/1.45 ui-monospace,monospace;" +
    "padding:.75rem 1rem;border-left:4px solid #e8a33d;border-radius:4px;box-shadow:0 4px 16px rgba(0,0,0,.35)";
  var close = document.createElement("button");
  close.type = "button";
  close.textContent = "×";
  close.setAttribute("aria-label", "Hide");
  close.style.cssText = "float:right;background:none;border:0;color:inherit;font-size:18px;cursor:pointer";
  close.onclick = function () { box.remove(); };
  box.appendChild(close);
  var title = document.createElement("strong");
  title.textContent = preview.error ? "coroner: the last rebuild failed" : "coroner: warnings on this page";
  box.appendChild(title);
  var list = document.createElement("ul");
  list.style.cssText = "margin:.5rem 0 0;padding-left:1.1rem";
  problems.forEach(function (p) {
    var item = document.createElement("li");
    item.textContent = p.where + " " + p.code + ": " + p.message + (p.help ? " (" + p.help + ")" : "");
    list.appendChild(item);
  });
  box.appendChild(list);
  document.body.appendChild(box);
})();
