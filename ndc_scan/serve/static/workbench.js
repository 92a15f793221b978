// ndc_scan workbench: one key per review decision, and a clickable world map. No library; the pages work without it.
"use strict";
(function () {
  function typing(event) {
    const t = event.target;
    return t && (t.tagName === "INPUT" && !["checkbox", "radio"].includes(t.type) || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
  }
  function press(id) {
    const el = document.getElementById(id);
    if (el && !el.disabled) { el.click(); return true; }
    return false;
  }
  function show(id, visible) {
    const el = document.getElementById(id);
    if (el) { el.hidden = !visible; }
    return el;
  }
  // Forms are sent once: a key pressed twice stores one decision.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset.sent) { event.preventDefault(); return; }
    if (form.method.toLowerCase() === "post") { form.dataset.sent = "1"; }
  });

  let mode = "";                    // "", "level", "concepts", "concept-level"
  const item = document.getElementById("item");
  if (item) {
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) { return; }
      const key = event.key;
      if (key === "Escape") { mode = ""; show("level-panel", false); show("concepts-panel", false); return; }
      if (mode === "level") {
        if (["1", "2", "3"].includes(key)) { event.preventDefault(); press("btn-level-" + key); }
        return;
      }
      if (mode === "concepts") {
        if (/^[0-9]$/.test(key)) { event.preventDefault(); const box = document.getElementById("concept-" + key); if (box) { box.checked = !box.checked; } }
        else if (key === "Enter") { event.preventDefault(); mode = "concept-level"; }
        return;
      }
      if (mode === "concept-level") {
        if (["1", "2", "3"].includes(key)) { event.preventDefault(); document.getElementById("concept-level-" + key).checked = true; press("btn-correct"); }
        else if (key === "Enter") { event.preventDefault(); press("btn-correct"); }
        return;
      }
      const simple = { a: "btn-accept", r: "btn-reject", i: "btn-ignore", s: "btn-skip", u: "btn-undo" };
      if (simple[key]) { event.preventDefault(); press(simple[key]); return; }
      if (key === "l") { event.preventDefault(); mode = "level"; show("concepts-panel", false); show("level-panel", true); return; }
      if (key === "c") { event.preventDefault(); mode = "concepts"; show("level-panel", false); show("concepts-panel", true); return; }
      if (key === "n") { event.preventDefault(); const n = document.getElementById("neighbours"); if (n) { n.hidden = !n.hidden; } return; }
      if (key === "?") { event.preventDefault(); const h = document.getElementById("help"); if (h) { h.hidden = !h.hidden; } }
    });
    const buttons = { "btn-level-open": "level-panel", "btn-concepts-open": "concepts-panel" };
    Object.keys(buttons).forEach(function (id) {
      const button = document.getElementById(id);
      if (button) {
        button.addEventListener("click", function () {
          mode = id === "btn-level-open" ? "level" : "concepts";
          show("level-panel", id === "btn-level-open");
          show("concepts-panel", id === "btn-concepts-open");
        });
      }
    });
    ["btn-neighbours", "btn-help"].forEach(function (id) {
      const button = document.getElementById(id);
      const target = id === "btn-neighbours" ? "neighbours" : "help";
      if (button) { button.addEventListener("click", function () { const t = document.getElementById(target); t.hidden = !t.hidden; }); }
    });
  }
  // The page picture scrolls to the highlighted passage once it is drawn.
  const wrap = document.getElementById("pagewrap");
  const image = document.getElementById("page-image");
  function toPassage() {
    const mark = wrap && wrap.querySelector("rect.hl.passage");
    if (mark) { wrap.scrollTop += mark.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 60; }
  }
  if (wrap && image) {
    if (image.complete) { toPassage(); } else { image.addEventListener("load", toPassage); }
  }
  const world = document.getElementById("world");
  if (world) {
    world.addEventListener("click", function (event) {
      const shape = event.target.closest("[data-iso3]");
      if (shape) { window.location.href = "/country/" + encodeURIComponent(shape.getAttribute("data-iso3")); }
    });
  }
}());
