// The editor: plain DOM, no framework. All selector work is done by the WebAssembly
// module (`wasm-bindgen --target web` build in ../pkg-web/); this file only renders.
import init, * as api from "../pkg-web/selector_wasm.js";
import { ENDPOINTS, DEFAULT_SELECTOR, SEED_POLICY, BUGGY_POLICY } from "./data.js";
import { renderComparison } from "./compare.js";
import { setupTraffic } from "./traffic.js";

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------
// Marked text: split a text into runs by overlapping [start, end) ranges (UTF-16 offsets,
// as the module reports them) so that each run carries the classes of every range over it.

/**
 * @param {string} text
 * @param {{start: number, end: number, cls: string}[]} marks
 * @returns {{text: string, classes: string[]}[]}
 */
function runs(text, marks) {
  const cuts = new Set([0, text.length]);
  for (const m of marks) {
    cuts.add(Math.min(m.start, text.length));
    cuts.add(Math.min(m.end, text.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const classes = marks.filter((m) => m.start <= a && b <= m.end && m.start < m.end).map((m) => m.cls);
    out.push({ text: text.slice(a, b), classes });
  }
  return out;
}

function span(text, classes) {
  if (classes.length === 0) return document.createTextNode(text);
  const el = document.createElement("span");
  el.className = classes.join(" ");
  el.textContent = text;
  return el;
}

// ---------------------------------------------------------------------------------------
// Selector tab

const input = $("selector-input");
const highlight = $("selector-highlight");
let selector = null; // the current parsed Selector, or null when the text is invalid
let selectedEndpoint = 0;
let focusRange = null; // span of the explanation node under the pointer / focus
const endpoints = ENDPOINTS.map((e) => ({ ...e, text: labelsToText(e.labels), error: null }));

/** A zero-width marker for an error with an empty span: it must not shift the text. */
function errPoint() {
  const el = document.createElement("span");
  el.className = "err-point";
  return el;
}

function renderSelectorLayer(text, toks) {
  const marks = toks.tokens.map((t) => ({ start: t.start, end: t.end, cls: `tok-${t.kind}` }));
  const error = toks.error;
  if (error && error.end > error.start) marks.push({ start: error.start, end: error.end, cls: "err" });
  if (focusRange) marks.push({ start: focusRange.start, end: focusRange.end, cls: "focus" });
  // An empty error span (say, a value missing at the end) gets a visible marker at its place.
  const point = error && error.end <= error.start ? error.start : -1;
  if (point !== -1) marks.push({ start: point, end: point, cls: "cut" }); // splits the runs there
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const run of runs(text, marks)) {
    if (at === point) frag.append(errPoint());
    frag.append(span(run.text, run.classes));
    at += run.text.length;
  }
  if (point >= text.length) frag.append(errPoint());
  frag.append("\u200b\n"); // keeps a trailing newline's height, as the textarea has it
  highlight.replaceChildren(frag);
}

/** Sets `el`'s text, showing `backticked` parts (user input, code) as <code>. */
function richText(el, text) {
  el.replaceChildren(
    ...text.split("`").map((part, i) => {
      if (i % 2 === 0) return document.createTextNode(part);
      const code = document.createElement("code");
      code.textContent = part;
      return code;
    }),
  );
}

function setStatus(kind, message, help) {
  const status = $("sel-status");
  status.className = `status ${kind}`;
  richText(status, message);
  const helpEl = $("sel-help");
  helpEl.hidden = !help;
  richText(helpEl, help ? `help: ${help}` : "");
  const badge = $("sel-badge");
  badge.className = `badge ${kind}`;
  badge.textContent = kind === "ok" ? "valid" : "invalid";
}

function updateSelector() {
  const text = input.value;
  const toks = api.tokens(text);
  const result = api.check(text);
  if (selector) selector.free();
  selector = null;
  if (result.ok) {
    selector = api.parse(text);
    input.setAttribute("aria-invalid", "false");
    setStatus("ok", text.trim() === "" ? "Empty selector: matches everything (all())." : "Valid selector.", null);
    $("canonical").textContent = result.canonical;
    $("unique-id").textContent = result.uniqueId;
    for (const b of document.querySelectorAll("[data-copy]")) b.disabled = false;
    renderRestrictions(selector.labelRestrictions(), selector.restrictionsConflict());
  } else {
    const d = result.diagnostics[0];
    input.setAttribute("aria-invalid", "true");
    const where = text.includes("\n") ? `line ${d.line}, column ${d.column}` : `column ${d.column}`;
    setStatus("error", `Error at ${where}: ${d.message}`, d.help);
    $("canonical").textContent = "—";
    $("unique-id").textContent = "—";
    for (const b of document.querySelectorAll("[data-copy]")) b.disabled = true;
    renderRestrictions(null, false);
  }
  renderSelectorLayer(text, toks);
  renderEndpoints();
  renderComparison(api, selector, $("compare-input").value);
  const hash = `#selector=${encodeURIComponent(text)}`;
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

function renderRestrictions(restrictions, never) {
  const body = $("restrictions");
  body.replaceChildren();
  const row = (cells, cls) => {
    const tr = document.createElement("tr");
    if (cls) tr.className = cls;
    for (const c of cells) {
      const td = document.createElement("td");
      td.append(c);
      tr.append(td);
    }
    body.append(tr);
  };
  if (restrictions === null) {
    row(["—", "", ""], "empty");
    return;
  }
  const entries = Object.entries(restrictions);
  if (entries.length === 0) row(["none: any endpoint can match", "", ""], "empty");
  for (const [label, r] of entries) {
    const must = [r.present && "present", r.absent && "absent"].filter(Boolean).join(" and ") || "—";
    const values = r.values === null ? "any" : r.values.length === 0 ? "nothing (impossible)" : r.values.map((v) => JSON.stringify(v)).join(", ");
    const code = document.createElement("code");
    code.textContent = label;
    row([code, must, values], (r.present && r.absent) || (r.values && r.values.length === 0) ? "impossible" : "");
  }
  if (never) row(["No endpoint can match this selector.", "", ""], "impossible");
}

// Endpoint label sets are edited as `key: value` (or `key=value`) lines.
function labelsToText(labels) {
  return Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join("\n");
}

function textToLabels(text) {
  const labels = {};
  const problems = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(line);
    if (!m) {
      problems.push(`line ${i + 1}: expected key: value`);
      return;
    }
    let value = m[2];
    if (/^(["']).*\1$/.test(value) && value.length >= 2) value = value.slice(1, -1);
    labels[m[1]] = value;
  });
  return { labels, problems };
}

const list = $("endpoints");
const template = $("endpoint-template");

function buildEndpoints() {
  list.replaceChildren();
  endpoints.forEach((ep, index) => {
    const li = template.content.firstElementChild.cloneNode(true);
    li.dataset.index = String(index);
    li.dataset.name = ep.name;
    li.querySelector(".kind").textContent = ep.kind;
    li.querySelector(".name").textContent = ep.name;
    const select = li.querySelector(".endpoint-select");
    select.addEventListener("click", () => {
      selectedEndpoint = index;
      renderEndpoints();
    });
    const area = li.querySelector(".labels");
    area.value = ep.text;
    area.rows = Math.max(1, ep.text.split("\n").length);
    area.setAttribute("aria-label", `Labels of ${ep.name}`);
    area.addEventListener("input", () => {
      ep.text = area.value;
      area.rows = Math.max(1, area.value.split("\n").length);
      const { labels, problems } = textToLabels(area.value);
      ep.labels = labels;
      ep.error = problems.length ? problems.join("; ") : null;
      renderEndpoints();
    });
    area.addEventListener("focus", () => {
      if (selectedEndpoint !== index) {
        selectedEndpoint = index;
        renderEndpoints();
      }
    });
    li.querySelector(".remove").setAttribute("aria-label", `Remove ${ep.name}`);
    li.querySelector(".remove").addEventListener("click", () => {
      endpoints.splice(index, 1);
      selectedEndpoint = Math.min(selectedEndpoint, endpoints.length - 1);
      buildEndpoints();
      renderEndpoints();
    });
    list.append(li);
  });
}

function renderEndpoints() {
  let matching = 0;
  [...list.children].forEach((li, index) => {
    const ep = endpoints[index];
    const verdict = li.querySelector(".verdict");
    const err = li.querySelector(".labels-error");
    err.hidden = !ep.error;
    err.textContent = ep.error ?? "";
    const selected = index === selectedEndpoint;
    li.classList.toggle("selected", selected);
    li.querySelector(".endpoint-select").setAttribute("aria-pressed", String(selected));
    if (!selector) {
      li.dataset.match = "unknown";
      verdict.className = "verdict unknown";
      verdict.textContent = "–";
      verdict.title = "The selector is not valid";
      return;
    }
    const m = selector.matches(ep.labels);
    if (m) matching++;
    li.dataset.match = String(m);
    verdict.className = `verdict ${m ? "match" : "nomatch"}`;
    verdict.textContent = m ? "✓ match" : "✗ no match";
    verdict.title = "";
  });
  $("ep-summary").textContent = selector ? `${matching} of ${endpoints.length} match` : "selector invalid";
  renderExplanation();
}

function renderExplanation() {
  const box = $("explanation");
  const ep = endpoints[selectedEndpoint];
  $("ex-target").textContent = ep ? `for ${ep.name}` : "";
  box.replaceChildren();
  if (!ep) {
    box.append(para("Add an endpoint to see an explanation."));
    return;
  }
  if (!selector) {
    box.append(para("Fix the selector to see why each endpoint matches."));
    return;
  }
  const tree = selector.explain(ep.labels);
  const ul = document.createElement("ul");
  ul.className = "tree";
  ul.setAttribute("aria-label", `Why ${ep.name} ${tree.matched ? "matches" : "does not match"}`);
  ul.append(explanationNode(tree));
  box.append(ul);
}

function para(text) {
  const p = document.createElement("p");
  p.className = "hint";
  p.textContent = text;
  return p;
}

function explanationNode(node) {
  const li = document.createElement("li");
  const row = document.createElement("span");
  row.className = `node ${node.matched ? "true" : "false"}`;
  row.tabIndex = 0;
  const icon = document.createElement("span");
  icon.className = "mark";
  icon.setAttribute("aria-hidden", "true");
  icon.textContent = node.matched ? "✓" : "✗";
  const sr = document.createElement("span");
  sr.className = "visually-hidden";
  sr.textContent = node.matched ? "true: " : "false: ";
  const code = document.createElement("code");
  code.textContent = node.text;
  row.append(icon, sr, code);
  const show = () => {
    focusRange = { start: node.start, end: node.end };
    renderSelectorLayer(input.value, api.tokens(input.value));
  };
  const hide = () => {
    focusRange = null;
    renderSelectorLayer(input.value, api.tokens(input.value));
  };
  row.addEventListener("mouseenter", show);
  row.addEventListener("focus", show);
  row.addEventListener("mouseleave", hide);
  row.addEventListener("blur", hide);
  li.append(row);
  if (node.children.length) {
    const ul = document.createElement("ul");
    for (const child of node.children) ul.append(explanationNode(child));
    li.append(ul);
  }
  return li;
}

// ---------------------------------------------------------------------------------------
// Lint tab

const yaml = $("yaml-input");
const yamlLayer = $("yaml-highlight");
const gutter = document.createElement("div");
gutter.className = "gutter";
gutter.setAttribute("aria-hidden", "true");
let lintTimer = 0;

function updateLint() {
  const text = yaml.value;
  const diagnostics = api.lintYaml(text);
  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  renderYamlLayer(text, diagnostics);
  renderDiagnostics(diagnostics);
}

function renderYamlLayer(text, diagnostics) {
  const marks = diagnostics.map((d) => ({
    start: d.start,
    end: Math.max(d.end, d.start + 1),
    cls: `squiggle ${d.severity}`,
  }));
  const lineSeverity = new Map();
  const rank = { info: 1, warning: 2, error: 3 };
  for (const d of diagnostics) {
    const prev = lineSeverity.get(d.line);
    if (!prev || rank[d.severity] > rank[prev]) lineSeverity.set(d.line, d.severity);
  }
  const lines = [document.createElement("div")];
  for (const run of runs(text, marks)) {
    const parts = run.text.split("\n");
    parts.forEach((part, i) => {
      if (i > 0) lines.push(document.createElement("div"));
      if (part) lines[lines.length - 1].append(span(part, run.classes.flatMap((c) => c.split(" "))));
    });
  }
  const numbers = [];
  lines.forEach((div, i) => {
    const sev = lineSeverity.get(i + 1);
    div.className = sev ? `line has-${sev}` : "line";
    if (!div.firstChild) div.append("\u200b");
    const n = document.createElement("div");
    n.textContent = String(i + 1);
    if (sev) n.className = `has-${sev}`;
    numbers.push(n);
  });
  yamlLayer.replaceChildren(...lines);
  gutter.replaceChildren(...numbers);
}

function renderDiagnostics(diagnostics) {
  const list = $("diagnostics");
  list.replaceChildren();
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) {
    counts[d.severity] = (counts[d.severity] ?? 0) + 1;
    const li = document.createElement("li");
    li.className = `diagnostic ${d.severity}`;
    li.dataset.line = String(d.line);
    li.dataset.rule = d.rule;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "diag-jump";
    const head = document.createElement("span");
    head.className = "diag-head";
    const sev = document.createElement("span");
    sev.className = `sev ${d.severity}`;
    sev.textContent = d.severity;
    const pos = document.createElement("span");
    pos.className = "pos";
    pos.textContent = `line ${d.line}:${d.column}`;
    const rule = document.createElement("code");
    rule.className = "rule";
    rule.textContent = d.rule;
    head.append(sev, pos, rule);
    const msg = document.createElement("span");
    msg.className = "diag-message";
    richText(msg, d.message);
    button.append(head, msg);
    if (d.help) {
      const help = document.createElement("span");
      help.className = "diag-help";
      richText(help, `help: ${d.help}`);
      button.append(help);
    }
    button.addEventListener("click", () => {
      yaml.focus();
      yaml.setSelectionRange(d.start, Math.max(d.end, d.start));
    });
    li.append(button);
    list.append(li);
  }
  const parts = [];
  if (counts.error) parts.push(`${counts.error} error${counts.error > 1 ? "s" : ""}`);
  if (counts.warning) parts.push(`${counts.warning} warning${counts.warning > 1 ? "s" : ""}`);
  if (counts.info) parts.push(`${counts.info} note${counts.info > 1 ? "s" : ""}`);
  $("lint-summary").textContent = parts.length ? parts.join(", ") : "No problems found";
  $("lint-summary").className = `summary ${counts.error ? "error" : counts.warning ? "warning" : "ok"}`;
}

// ---------------------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs pattern: arrow keys move between tabs, Tab moves into the panel).

function selectTab(tab, focus) {
  for (const t of document.querySelectorAll('[role="tab"]')) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !on;
  }
  if (focus) tab.focus();
  if (tab.id === "tab-lint") updateLint();
}

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab, false));
    tab.addEventListener("keydown", (e) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      selectTab(tabs[(next + tabs.length) % tabs.length], true);
    });
  });
}

// ---------------------------------------------------------------------------------------

async function main() {
  await init();
  setupTabs();

  input.addEventListener("input", updateSelector);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) e.preventDefault(); // a selector is one line
  });
  input.addEventListener("scroll", () => {
    highlight.parentElement.scrollTop = input.scrollTop;
  });
  for (const chip of document.querySelectorAll("[data-example]")) {
    chip.addEventListener("click", () => {
      input.value = chip.dataset.example;
      updateSelector();
      input.focus();
    });
  }
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const text = $(button.dataset.copy).textContent;
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select it";
      }
      setTimeout(() => (button.textContent = "Copy"), 1200);
    });
  }
  $("compare-input").addEventListener("input", () => renderComparison(api, selector, $("compare-input").value));
  $("add-endpoint").addEventListener("click", () => {
    const n = endpoints.filter((e) => e.kind === "Custom").length + 1;
    endpoints.push({ kind: "Custom", name: `endpoint-${n}`, labels: {}, text: "", error: null });
    selectedEndpoint = endpoints.length - 1;
    buildEndpoints();
    renderEndpoints();
    list.lastElementChild.querySelector(".labels").focus();
  });

  const fromHash = new URLSearchParams(location.hash.slice(1)).get("selector");
  input.value = fromHash ?? DEFAULT_SELECTOR;
  buildEndpoints();
  updateSelector();

  yaml.parentElement.prepend(gutter);
  yaml.value = SEED_POLICY;
  yaml.addEventListener("input", () => {
    clearTimeout(lintTimer);
    lintTimer = setTimeout(updateLint, 120);
  });
  yaml.addEventListener("scroll", () => {
    yamlLayer.parentElement.scrollLeft = yaml.scrollLeft;
  });
  $("load-seed").addEventListener("click", () => {
    yaml.value = SEED_POLICY;
    updateLint();
  });
  $("load-buggy").addEventListener("click", () => {
    yaml.value = BUGGY_POLICY;
    updateLint();
  });

  setupTraffic(api);

  $("loading").remove();
  $("panel-selector").hidden = false;
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  const loading = $("loading");
  loading.className = "loading failed";
  loading.textContent = `Could not start the selector engine: ${err && err.message ? err.message : err}`;
  document.body.dataset.ready = "failed";
  throw err;
});
