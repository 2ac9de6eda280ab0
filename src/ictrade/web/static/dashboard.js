// The ictrade dashboard: plain JS over the JSON API, charts drawn by Chart.js.
"use strict";

const $ = (id) => document.getElementById(id);
const page = new URLSearchParams(location.search);
const state = { meta: null, facts: null, cells: new Map(), seq: 0 };

function apiUrl(path, params) {
  const q = new URLSearchParams(params || {});
  for (const name of ["api_key", "dataset"]) if (page.get(name)) q.set(name, page.get(name));
  const asOf = $("as-of").value;
  if (asOf && !q.has("as_published")) q.set("as_of", asOf);
  const text = q.toString();
  return path + (text ? "?" + text : "");
}

// Facts and releases can be asked for as each month was first published (the figures the
// release of that month stated); series and the cube follow the "As of" date.
function vintage(params) {
  return $("as-published").checked ? { ...(params || {}), as_published: "true" } : params;
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
// Charts by Chart.js (vendored, /static/vendor/chart.umd.min.js): round ticks, every axis
// label readable; one chart per target, drawn anew on each refresh.
const charts = new Map();
const BLUE = "#2f6fbf", RED = "#b3261e";
function draw(target, config, height) {
  const old = charts.get(target.id);
  if (old) old.destroy();
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  target.style.height = height + "px";
  target.replaceChildren(canvas);
  config.options = { animation: false, maintainAspectRatio: false, ...config.options };
  charts.set(target.id, new Chart(canvas, config));
}
// Dollars in billions, or in millions when the largest figure is under a billion.
function usdUnit(values) {
  const big = Math.max(0, ...values.map((v) => Math.abs(v || 0))) >= 1e9;
  return big ? { div: 1e9, name: "USD billion" } : { div: 1e6, name: "USD million" };
}
const scaled = (v, unit) => (v === null || v === undefined ? null : v / unit.div);
const tickNumber = (v) => Number(v.toPrecision(12)).toLocaleString("en-US");
// Month labels: each January (every other year or more on long series), else every few months.
function monthLabel(months) {
  const long = months.length > 36;
  const every = long ? Math.ceil(months.length / 12 / 8) : Math.ceil(months.length / 8);
  const y0 = months.length ? Number(months[0].slice(0, 4)) : 0;
  return (i) => {
    const m = months[i];
    if (long) return m.endsWith("-01") && (Number(m.slice(0, 4)) - y0) % every === 0 ? m.slice(0, 4) : "";
    return (months.length - 1 - i) % every === 0 ? m : "";
  };
}
function axis(title, tick, extra) {
  return { beginAtZero: true, title: { display: true, text: title }, ticks: { callback: tick }, ...extra };
}

// A monthly series with the chosen month marked; ``percent`` for growth, else dollars.
function lineChart(target, points, marked, percent) {
  const months = points.map((p) => p.month), raw = points.map((p) => p.value);
  const unit = percent ? { div: 1, name: "YoY %" } : usdUnit(raw);
  const label = monthLabel(months);
  const at = months.indexOf(marked);
  draw(target, {
    type: "line",
    data: { labels: months, datasets: [{
      data: raw.map((v) => scaled(v, unit)), borderColor: BLUE, borderWidth: 1.5, spanGaps: false,
      pointRadius: months.map((_, i) => (i === at ? 4 : 0)), pointBackgroundColor: RED, pointBorderColor: RED,
    }] },
    options: {
      plugins: { legend: { display: false },
        tooltip: { callbacks: { label: (c) => (percent ? pct(raw[c.dataIndex]) : usd(raw[c.dataIndex])) } } },
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 0, callback: (_, i) => label(i) }, grid: { display: false } },
        y: axis(unit.name, (v) => tickNumber(v) + (percent ? "%" : "")),
      },
    },
  }, 240);
}

// Figures written after the bars, as the tables print them.
const barLabels = {
  id: "barLabels",
  afterDatasetsDraw(chart, _args, options) {
    const { ctx } = chart;
    ctx.save();
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#1d2733";
    ctx.textBaseline = "middle";
    chart.getDatasetMeta(0).data.forEach((bar, i) => {
      const value = options.values[i];
      ctx.textAlign = value < 0 ? "right" : "left";
      ctx.fillText(options.format(value), bar.x + (value < 0 ? -4 : 4), bar.y);
    });
    ctx.restore();
  },
};

function barChart(target, rows, format) {
  const raw = rows.map((r) => r.value), unit = usdUnit(raw);
  draw(target, {
    type: "bar",
    data: { labels: rows.map((r) => r.label), datasets: [{
      data: raw.map((v) => scaled(v, unit)), backgroundColor: rows.map((r) => (r.selected ? RED : BLUE)),
    }] },
    plugins: [barLabels],
    options: {
      indexAxis: "y",
      layout: { padding: { right: 70 } },
      plugins: { legend: { display: false }, barLabels: { values: raw, format },
        tooltip: { callbacks: { label: (c) => format(raw[c.dataIndex]) } } },
      scales: { x: axis(unit.name, tickNumber), y: { grid: { display: false } } },
    },
  }, rows.length * 24 + 70);
}

function table(target, header, rows) {
  const head = "<tr>" + header.map((h) => `<th>${h}</th>`).join("") + "</tr>";
  target.innerHTML = head + rows.map((r) =>
    `<tr data-id="${r.id}"${r.selected ? ' class="selected"' : ""}>` +
    r.cells.map((c) => `<td>${c}</td>`).join("") + "</tr>").join("");
}

function noData(target, text) {
  target.innerHTML = `<tr class="no-data"><td>${text}</td></tr>`;
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
  // a figure the data do not hold says so, never "$0"
  $("kpi-export-value").textContent = ex ? usd(ex.value_usd) : "no data";
  $("kpi-export-yoy").textContent = ex ? pct(ex.yoy_pct) : "";
  $("kpi-export-yoy").className = ex && ex.yoy_pct < 0 ? "down" : "up";
  $("kpi-import-value").textContent = im ? usd(im.value_usd) : "no data";
  $("kpi-import-yoy").textContent = im ? pct(im.yoy_pct) : "";
  $("kpi-balance-value").textContent = bal ? usd(bal.value_usd) : ex && im ? usd(ex.value_usd - im.value_usd) : "no data";
  $("kpi-export-share").textContent = pct(ex && ex.share_pct, false);
  $("selection").textContent = `${name(state.meta.items, item)}, ${name(state.meta.regions, region)}, ${month}`;
}

function showItemsAndRegions(item, region) {
  const items = state.meta.items.filter((i) => cell("export", i.id, region));
  table($("table-items"), ["Item", "USD million", "YoY %", "Share %", "Contribution to the parent item's growth, pp"], items.map((i) => {
    const c = cell("export", i.id, region);
    return { id: i.id, selected: i.id === item, cells: [i.name, millions(c.value_usd), pct(c.yoy_pct), pct(c.share_pct, false), pct(c.contribution_pp)] };
  }));
  const regs = state.meta.regions.filter((r) => cell("export", item, r.id));
  table($("table-regions"), ["Region", "USD million", "YoY %", "Share of world %"], regs.map((r) => {
    const c = cell("export", item, r.id);
    return { id: r.id, selected: r.id === region, cells: [r.name, millions(c.value_usd), pct(c.yoy_pct), pct(c.share_of_world_pct, false)] };
  }));
  if (!regs.some((r) => r.id !== "world")) noData($("table-regions"), "no data: these figures name no partner country");
  if (!items.length) noData($("table-items"), "no data");
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
    link.href = ok ? apiUrl(`/api/release/${month}`, vintage({ format: fmt, lang, download: "true" })) : "#";
  }
}

async function refresh() {
  const month = $("month").value, item = $("item").value, region = $("region").value;
  const seq = ++state.seq;  // a later choice wins over answers still on their way
  document.body.dataset.loaded = "";
  $("error").hidden = true;
  try {
    const [facts, values, yoy, release] = await Promise.all([
      api(`/api/facts/${month}`, vintage()),
      api("/api/series", { flow: "export", item, region, measure: "value" }),
      api("/api/series", { flow: "export", item, region, measure: "yoy" }),
      api(`/api/release/${month}`, vintage({ format: "md", lang: $("lang").value })),
    ]);
    if (seq !== state.seq) return;
    state.facts = facts;
    state.cells = new Map(facts.cells.map((c) => [`${c.flow}/${c.item}/${c.region}`, c]));
    const short = release.files.find((f) => f.variant === "short").text;
    $("headline").textContent = short.split("\n")[0].replace(/^#\s*/, "");
    showKpis(month, item, region);
    showItemsAndRegions(item, region);
    lineChart($("chart-series"), values.points, month, false);
    lineChart($("chart-yoy"), yoy.points, month, true);
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
  select.replaceChildren(...options.map((o) => {
    const option = new Option(o.label, o.id);
    if (o.title) option.title = o.title;  // shown on hover: why a month is not released
    return option;
  }));
  select.value = chosen;
}

async function start() {
  state.meta = await api("/api/meta");
  // Months a release refuses (lines cut short, or part of the goods of other months) are
  // offered, labelled, with the reason on hover, but never opened on; choosing one shows why.
  const months = [], incomplete = new Set(state.meta.incomplete_months || []);
  const refused = state.meta.not_releasable || {};
  const [y0, m0] = state.meta.months.first.split("-").map(Number);
  const [y1, m1] = state.meta.months.last.split("-").map(Number);
  for (let k = y1 * 12 + m1 - 1; k >= y0 * 12 + m0 - 1; k--) {
    const id = `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, "0")}`;
    const why = incomplete.has(id) ? "incomplete" : refused[id] ? "part of the goods" : "";
    months.push({ id, label: why ? `${id} (${why}, not released)` : id, title: refused[id] });
  }
  fill($("month"), months, page.get("month") || state.meta.months.last_whole || state.meta.months.last);
  fill($("item"), state.meta.items.map((i) => ({ id: i.id, label: i.name })), page.get("item") || "total");
  fill($("region"), state.meta.regions.map((r) => ({ id: r.id, label: r.name })), page.get("region") || "world");
  $("store").textContent = `Data: ${state.meta.store}`;
  if (page.get("lang")) $("lang").value = page.get("lang");
  $("as-published").checked = page.get("as_published") === "true";
  $("as-published").addEventListener("change", () => { $("as-of").disabled = $("as-published").checked; });
  $("as-of").disabled = $("as-published").checked;
  for (const id of ["month", "item", "region", "lang", "as-of", "as-published"]) $(id).addEventListener("change", refresh);
  await refresh();
}

start().catch((error) => { $("error").textContent = error.message; $("error").hidden = false; });
