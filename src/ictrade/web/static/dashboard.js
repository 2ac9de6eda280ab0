// The ictrade dashboard: plain JS over the JSON API, charts drawn as inline SVG.
"use strict";

const $ = (id) => document.getElementById(id);
const page = new URLSearchParams(location.search);
const state = { meta: null, facts: null, cells: new Map(), seq: 0 };

function apiUrl(path, params) {
  const q = new URLSearchParams(params || {});
  for (const name of ["api_key", "dataset"]) if (page.get(name)) q.set(name, page.get(name));
  const asOf = $("as-of").value;
  if (asOf) q.set("as_of", asOf);
  const text = q.toString();
  return path + (text ? "?" + text : "");
}

async function api(path, params) {
  const response = await fetch(apiUrl(path, params));
  const body = await response.json();
  if (!body.ok) throw new Error(body.error.message);
  return body.data;
}

// Figures as the release prints them: half away from zero.
function roundHalfUp(x, digits) {
  const f = 10 ** digits;
  return Math.sign(x) * Math.round(Math.abs(x) * f + 1e-9) / f;
}
function usd(v) {
  if (v === null || v === undefined) return "–";
  const a = Math.abs(v);
  if (a >= 1e9) return (v < 0 ? "-" : "") + "$" + roundHalfUp(a / 1e9, 1).toFixed(1) + " bn";
  return (v < 0 ? "-" : "") + "$" + roundHalfUp(a / 1e6, 0).toFixed(0) + " m";
}
function millions(v) {
  return v === null ? "" : roundHalfUp(v / 1e6, 0).toLocaleString("en-US");
}
function pct(v, sign = true) {
  if (v === null || v === undefined) return "–";
  const r = roundHalfUp(v, 1);
  return (sign && r > 0 ? "+" : "") + r.toFixed(1) + "%";
}
function name(list, id) {
  const found = list.find((x) => x.id === id);
  return found ? found.name : id;
}
function cell(flow, item, region) {
  return state.cells.get(`${flow}/${item}/${region}`) || null;
}
function el(tag, attrs, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function lineChart(target, points, marked, format) {
  const W = 560, H = 220, L = 60, B = 24, T = 10;
  const values = points.map((p) => p.value).filter((v) => v !== null);
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
  if (!values.length) { target.replaceChildren(svg); return; }
  const lo = Math.min(0, ...values), hi = Math.max(...values);
  const x = (i) => L + (i / Math.max(1, points.length - 1)) * (W - L - 10);
  const y = (v) => T + (1 - (v - lo) / (hi - lo || 1)) * (H - T - B);
  for (const v of [lo, (lo + hi) / 2, hi]) {
    svg.append(el("line", { x1: L, x2: W - 10, y1: y(v), y2: y(v), stroke: "#e3e6ea" }));
    svg.append(el("text", { x: L - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 10 }, format(v)));
  }
  let d = "";
  points.forEach((p, i) => {
    if (p.value === null) return;
    d += (d && points[i - 1] && points[i - 1].value !== null ? "L" : "M") + x(i).toFixed(1) + "," + y(p.value).toFixed(1);
  });
  svg.append(el("path", { d, fill: "none", stroke: "#2f6fbf", "stroke-width": 1.5 }));
  points.forEach((p, i) => {
    if (p.month.endsWith("-01") && Number(p.month.slice(0, 4)) % 2 === 0)
      svg.append(el("text", { x: x(i), y: H - 6, "font-size": 10, "text-anchor": "middle" }, p.month.slice(0, 4)));
    if (p.month === marked && p.value !== null)
      svg.append(el("circle", { cx: x(i), cy: y(p.value), r: 4, fill: "#b3261e" }, ""));
  });
  target.replaceChildren(svg);
}

function barChart(target, rows, format) {
  const W = 560, rowH = 20, L = 200;
  const H = rows.length * rowH + 10;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
  const hi = Math.max(1, ...rows.map((r) => Math.abs(r.value || 0)));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    const w = (Math.abs(r.value || 0) / hi) * (W - L - 90);
    svg.append(el("text", { x: L - 6, y: y + 14, "text-anchor": "end", "font-size": 11 }, r.label));
    svg.append(el("rect", { x: L, y: y + 3, width: w, height: rowH - 6, fill: r.selected ? "#b3261e" : "#2f6fbf" }));
    svg.append(el("text", { x: L + w + 4, y: y + 14, "font-size": 11 }, format(r.value)));
  });
  target.replaceChildren(svg);
}

function table(target, header, rows) {
  const head = "<tr>" + header.map((h) => `<th>${h}</th>`).join("") + "</tr>";
  target.innerHTML = head + rows.map((r) =>
    `<tr data-id="${r.id}"${r.selected ? ' class="selected"' : ""}>` +
    r.cells.map((c) => `<td>${c}</td>`).join("") + "</tr>").join("");
}

// Markdown of the release as HTML: headings, paragraphs, lists and tables.
function markdown(text) {
  const esc = (s) => s.replace(/&(?!nbsp;)/g, "&amp;").replace(/</g, "&lt;");
  return text.trim().split(/\n\n+/).map((block) => {
    const lines = block.split("\n");
    if (block.startsWith("#")) {
      const level = block.match(/^#+/)[0].length;
      return `<h${level + 2}>${esc(block.replace(/^#+\s*/, ""))}</h${level + 2}>`;
    }
    if (block.startsWith("|")) {
      const rows = lines.filter((l) => !/^\|(---\|)+$/.test(l)).map((l) => l.slice(1, -1).split("|"));
      return "<table>" + rows.map((r, i) => "<tr>" + r.map((c) =>
        i ? `<td>${esc(c.trim())}</td>` : `<th>${esc(c.trim())}</th>`).join("") + "</tr>").join("") + "</table>";
    }
    if (block.startsWith("- ")) return "<ul>" + lines.map((l) => `<li>${esc(l.slice(2))}</li>`).join("") + "</ul>";
    return `<p>${esc(block)}</p>`;
  }).join("");
}

function showKpis(month, item, region) {
  const ex = cell("export", item, region), im = cell("import", item, region);
  const bal = cell("balance", item, region);
  $("kpi-export-value").textContent = usd(ex && ex.value_usd);
  $("kpi-export-yoy").textContent = pct(ex && ex.yoy_pct);
  $("kpi-export-yoy").className = ex && ex.yoy_pct < 0 ? "down" : "up";
  $("kpi-import-value").textContent = usd(im && im.value_usd);
  $("kpi-import-yoy").textContent = pct(im && im.yoy_pct);
  $("kpi-balance-value").textContent = bal ? usd(bal.value_usd) : ex && im ? usd(ex.value_usd - im.value_usd) : "–";
  $("kpi-export-share").textContent = pct(ex && ex.share_pct, false);
  $("selection").textContent = `${name(state.meta.items, item)}, ${name(state.meta.regions, region)}, ${month}`;
}

function showItemsAndRegions(item, region) {
  const items = state.meta.items.filter((i) => cell("export", i.id, region));
  table($("table-items"), ["Item", "USD million", "YoY %", "Share %", "Contribution pp"], items.map((i) => {
    const c = cell("export", i.id, region);
    return { id: i.id, selected: i.id === item, cells: [i.name, millions(c.value_usd), pct(c.yoy_pct), pct(c.share_pct, false), pct(c.contribution_pp)] };
  }));
  const regs = state.meta.regions.filter((r) => cell("export", item, r.id));
  table($("table-regions"), ["Region", "USD million", "YoY %", "Share of world %"], regs.map((r) => {
    const c = cell("export", item, r.id);
    return { id: r.id, selected: r.id === region, cells: [r.name, millions(c.value_usd), pct(c.yoy_pct), pct(c.share_of_world_pct, false)] };
  }));
  const majors = state.meta.items.filter((i) => i.major || i.id === item);
  barChart($("chart-items"), majors.filter((i) => cell("export", i.id, region)).map((i) => ({
    label: i.name, value: cell("export", i.id, region).value_usd, selected: i.id === item })), usd);
  barChart($("chart-regions"), regs.filter((r) => r.id !== "world").map((r) => ({
    label: r.name, value: cell("export", item, r.id).value_usd, selected: r.id === region })), usd);
  $("items-caption").textContent = `Exports by item, to ${name(state.meta.regions, region)}`;
  $("regions-caption").textContent = `Exports of ${name(state.meta.items, item)} by region`;
}

function setDownloads(month) {
  const formats = state.meta.release_formats, lang = $("lang").value;
  $("download-csv").href = apiUrl("/api/cube", { drilldowns: "flow,item,region", month, measures: "value,prev_year_value,yoy,share", format: "csv" });
  for (const fmt of ["md", "html", "xlsx"]) {
    const link = $("download-" + fmt);
    const ok = formats.includes(`${fmt}/${lang}`);
    link.classList.toggle("disabled", !ok);
    link.setAttribute("aria-disabled", String(!ok));
    link.title = ok ? "" : "not available yet";
    link.href = ok ? apiUrl(`/api/release/${month}`, { format: fmt, lang, download: "true" }) : "#";
  }
}

async function refresh() {
  const month = $("month").value, item = $("item").value, region = $("region").value;
  const seq = ++state.seq;  // a later choice wins over answers still on their way
  document.body.dataset.loaded = "";
  $("error").hidden = true;
  try {
    const [facts, values, yoy, release] = await Promise.all([
      api(`/api/facts/${month}`),
      api("/api/series", { flow: "export", item, region, measure: "value" }),
      api("/api/series", { flow: "export", item, region, measure: "yoy" }),
      api(`/api/release/${month}`, { format: "md", lang: $("lang").value }),
    ]);
    if (seq !== state.seq) return;
    state.facts = facts;
    state.cells = new Map(facts.cells.map((c) => [`${c.flow}/${c.item}/${c.region}`, c]));
    const short = release.files.find((f) => f.variant === "short").text;
    $("headline").textContent = short.split("\n")[0].replace(/^#\s*/, "");
    showKpis(month, item, region);
    showItemsAndRegions(item, region);
    lineChart($("chart-series"), values.points, month, usd);
    lineChart($("chart-yoy"), yoy.points, month, (v) => pct(v));
    $("series-caption").textContent = `Exports of ${name(state.meta.items, item)} to ${name(state.meta.regions, region)}, USD`;
    $("release").innerHTML = markdown(release.files.find((f) => f.variant === "long").text);
    setDownloads(month);
    document.body.dataset.lang = $("lang").value;
    document.body.dataset.loaded = `${month}|${item}|${region}`;
  } catch (error) {
    if (seq !== state.seq) return;
    $("error").textContent = error.message;
    $("error").hidden = false;
    document.body.dataset.loaded = "error";
  }
}

function fill(select, options, chosen) {
  select.innerHTML = options.map((o) => `<option value="${o.id}">${o.label}</option>`).join("");
  select.value = chosen;
}

async function start() {
  state.meta = await api("/api/meta");
  const months = [];
  const [y0, m0] = state.meta.months.first.split("-").map(Number);
  const [y1, m1] = state.meta.months.last.split("-").map(Number);
  for (let k = y1 * 12 + m1 - 1; k >= y0 * 12 + m0 - 1; k--) {
    const id = `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, "0")}`;
    months.push({ id, label: id });
  }
  fill($("month"), months, page.get("month") || state.meta.months.last);
  fill($("item"), state.meta.items.map((i) => ({ id: i.id, label: i.name })), page.get("item") || "total");
  fill($("region"), state.meta.regions.map((r) => ({ id: r.id, label: r.name })), page.get("region") || "world");
  $("store").textContent = `Data: ${state.meta.store}`;
  if (page.get("lang")) $("lang").value = page.get("lang");
  for (const id of ["month", "item", "region", "lang", "as-of"]) $(id).addEventListener("change", refresh);
  await refresh();
}

start().catch((error) => { $("error").textContent = error.message; $("error").hidden = false; });
