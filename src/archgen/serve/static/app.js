// archgen serve: draws a design's page from /api/design/<slug>, and redraws it on each server-sent event.
"use strict";

const body = document.body;
const slug = body.dataset.slug;

function element(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function table(rows, columns) {
  if (!rows.length) return element("p", {}, "nothing to show");
  const head = element("tr", {}, ...columns.map(([, title]) => element("th", {}, title)));
  const lines = rows.map((row) => element("tr", {}, ...columns.map(([key]) => element("td", {}, format(row[key])))));
  return element("table", {}, head, ...lines);
}

function format(value) {
  if (Array.isArray(value)) return value.length ? value.join(", ") : "nothing";
  return value === null || value === undefined ? "" : String(value);
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

// The same words as the server's index (archgen.serve.server.counts_text).
function countsText(counts) {
  return `${plural(counts.error, "error")}, ${plural(counts.warning, "warning")}, ${plural(counts.info, "info")}`;
}

async function drawIndex() {
  const designs = await (await fetch("/api/index")).json();
  const list = document.getElementById("designs");
  list.replaceChildren(...designs.map((design) => {
    const link = element("a", { href: `/design/${design.slug}/` }, design.name);
    const picture = element("img", { src: `/design/${design.slug}/diagram.svg?v=${design.version}`, alt: design.name });
    const counts = element("div", { class: "counts" }, design.broken ? "spec has errors · " : "", countsText(design.counts));
    if (design.counts.error) counts.classList.add("error");
    return element("li", { "data-slug": design.slug }, link, picture, counts);
  }));
  body.dataset.version = String(Date.now());
}

let zoom = { scale: 1, x: 0, y: 0 };

function applyZoom() {
  document.getElementById("diagram").style.transform = `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})`;
}

function setUpZoom() {
  const viewport = document.getElementById("viewport");
  viewport.addEventListener("wheel", (event) => {
    event.preventDefault();
    const factor = event.deltaY < 0 ? 1.15 : 1 / 1.15;
    const box = viewport.getBoundingClientRect();
    const px = event.clientX - box.left, py = event.clientY - box.top;
    zoom.x = px - (px - zoom.x) * factor;
    zoom.y = py - (py - zoom.y) * factor;
    zoom.scale *= factor;
    applyZoom();
  }, { passive: false });
  let drag = null;
  viewport.addEventListener("mousedown", (event) => { drag = { x: event.clientX - zoom.x, y: event.clientY - zoom.y }; });
  window.addEventListener("mouseup", () => { drag = null; });
  window.addEventListener("mousemove", (event) => {
    if (!drag) return;
    zoom.x = event.clientX - drag.x;
    zoom.y = event.clientY - drag.y;
    applyZoom();
  });
  viewport.addEventListener("dblclick", fit);
}

// Fit the whole picture into the view, never enlarged past its size.
function fit() {
  const viewport = document.getElementById("viewport");
  const svg = document.querySelector("#diagram svg");
  if (!svg) return;
  const width = svg.width.baseVal.value, height = svg.height.baseVal.value;
  const scale = Math.min(1, viewport.clientWidth / width, viewport.clientHeight / height);
  zoom = { scale, x: (viewport.clientWidth - width * scale) / 2, y: 0 };
  applyZoom();
}

let fitted = false;

function highlight(components) {
  for (const node of document.querySelectorAll("#diagram g.node")) {
    const title = node.querySelector("title");
    const id = title ? title.textContent : "";
    const hit = components.some((component) => id === component || id.startsWith(`${component}#`));
    node.classList.toggle("archgen-highlight", hit);
  }
}

async function drawDesign() {
  const response = await fetch(`/api/design/${slug}`);
  if (!response.ok) return;
  const design = await response.json();
  document.title = `${design.name} · archgen`;
  document.querySelector("header .title").textContent = design.name;
  showViews(design.views || []);
  const picture = await viewPicture();
  const svg = picture === null ? design.svg : picture;
  if (svg) document.getElementById("diagram").innerHTML = svg;
  if (design.svg && !fitted) {
    fitted = true;
    fit();
  }
  const overlay = document.getElementById("overlay");
  overlay.hidden = design.errors.length === 0;
  document.getElementById("errors").textContent = design.errors.join("\n");
  document.getElementById("counts").textContent = `(${countsText(design.counts)})`;
  const where = document.getElementById("where");
  where.textContent = "";
  document.getElementById("findings").replaceChildren(...design.findings.map((finding) => {
    const item = element("li", { class: finding.severity, "data-code": finding.code, "data-component": finding.component || "" },
      element("span", { class: "code" }, finding.code), " ", finding.message);
    item.addEventListener("click", () => {
      for (const other of document.querySelectorAll("#findings li")) other.classList.remove("selected");
      item.classList.add("selected");
      const marked = finding.marks.length ? finding.marks : (finding.component ? [finding.component] : []);
      highlight(marked);
      where.textContent = `${finding.file}:${finding.line}:${finding.column}`;
    });
    return item;
  }));
  if (!design.findings.length) document.getElementById("findings").append(element("li", {}, "No findings."));
  document.getElementById("failures").replaceChildren(table(design.failures, [["event", "Event"], ["lost", "Takes down"], ["breaks", "Breaks"]]));
  document.getElementById("capacity").replaceChildren(table(design.capacity, [["quantity", "Quantity"], ["value", "Estimate"], ["working", "Working"]]));
  document.getElementById("availability").replaceChildren(table(design.availability, [["what", "Entry point or flow"], ["percent", "Up"], ["per_year", "Downtime a year"], ["per_month", "A month"], ["contributors", "Most of it from"]]));
  document.getElementById("doc").innerHTML = design.doc;
  for (const image of document.querySelectorAll("#doc img")) image.remove();
  await drawAgainst();
  body.dataset.version = String(design.version);
  body.dataset.swappedAt = String(performance.now());
}

// A large design's overview, groups and flows: a choice above the picture, kept across redraws.
function showViews(views) {
  const choice = document.getElementById("view");
  const chosen = choice.value;
  const names = ["", ...views];
  if ([...choice.options].map((option) => option.value).join("\n") !== names.join("\n")) {
    choice.replaceChildren(...names.map((name) => new Option(name || "the whole design", name)));
    choice.value = names.includes(chosen) ? chosen : "";
  }
  document.getElementById("views").hidden = views.length === 0;
}

async function viewPicture() {
  const name = document.getElementById("view").value;
  if (!name) return null;
  const response = await fetch(`/api/design/${slug}/view?name=${encodeURIComponent(name)}`);
  return response.ok ? (await response.json()).svg : null;
}

// `?against=main`: the picture shows what the spec changed since that git ref, and the tables say it.
async function drawAgainst() {
  const ref = new URLSearchParams(location.search).get("against");
  if (!ref) return;
  const response = await fetch(`/api/design/${slug}/against?ref=${encodeURIComponent(ref)}`);
  const section = document.getElementById("against");
  section.hidden = false;
  document.getElementById("against-ref").textContent = ref;
  const headline = document.getElementById("against-headline");
  if (!response.ok) { headline.textContent = await response.text(); return; }
  const against = await response.json();
  if (against.errors.length) { headline.textContent = against.errors.join("\n"); return; }
  headline.textContent = against.headline;
  if (against.svg) {
    document.getElementById("diagram").innerHTML = against.svg;
    fit();
  }
  const findings = [
    ...against.introduced.map((f) => ({ what: `introduced ${f.severity}`, code: f.code, message: f.message })),
    ...against.resolved.map((f) => ({ what: "resolved", code: f.code, message: f.message })),
  ];
  document.getElementById("against-findings").replaceChildren(table(findings, [["what", ""], ["code", "Rule"], ["message", "Finding"]]));
  const changes = against.changes.map((c) => ({
    what: c.action, element: `${c.kind} ${c.name}`,
    fields: c.fields.map((f) => `${f.path}: ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`).join("; "),
  }));
  document.getElementById("against-changes").replaceChildren(table(changes, [["what", ""], ["element", "What"], ["fields", "Fields"]]));
}

function listen(redraw) {
  const events = new EventSource("/events");
  events.onmessage = (event) => {
    const change = JSON.parse(event.data);
    if (body.dataset.page === "index" || change.slugs.includes(slug)) redraw();
  };
}

if (body.dataset.page === "index") {
  drawIndex();
  listen(drawIndex);
} else {
  setUpZoom();
  document.getElementById("view").addEventListener("change", async () => {
    const picture = await viewPicture();
    const design = picture === null ? await (await fetch(`/api/design/${slug}`)).json() : null;
    document.getElementById("diagram").innerHTML = picture === null ? design.svg : picture;
    fit();
  });
  drawDesign();
  listen(drawDesign);
}
