// The Traffic tab: who can reach an endpoint on a port, and why. Every answer comes from the
// WebAssembly module's `Cluster` (selector-policy's evaluator, the same as `calico-selector
// reach` and `flow`); this file only renders them and highlights the deciding YAML line.
import { ALLOW_LIST, DENY_LIST } from "./traffic-data.js";

const $ = (id) => document.getElementById(id);

/** The file name the manifests get in traces. */
const FILE = "manifests.yaml";
/** Shown first: the guide's host endpoint, the port the deny-list leaves open. */
const DEFAULT_TO = "hostendpoint/kubeadm-master.eth0";

let api = null;
let cluster = null; // the loaded Cluster, or null when the YAML does not load
let reach = null; // the last reach answer
let selected = "external"; // key of the selected source (see `key`)
let timer = 0;
let gutter = null;

/** A source row's identity across re-evaluations (a source may be split by address ranges). */
const key = (s) => `${s.source} ${s.ranges.join(",")}`;

/** The selected source: by key, else the first of that name (`external` at first). */
function current() {
  if (!reach) return null;
  return reach.sources.find((x) => key(x) === selected) ?? reach.sources.find((x) => x.source === selected) ?? null;
}

/** The reference a flow from this source is asked with: the endpoint, or the range's address. */
const fromOf = (s) => (s.source.startsWith("hostendpoint/") || s.source.startsWith("pod/") ? s.source : s.address ?? s.source);

/** A decision in a few words: `default-host rule 0`, `end of tier default`, `a failsafe port`. */
function decisionText(d) {
  const policy = d.namespace ? `${d.namespace}/${d.policy}` : d.policy;
  switch (d.reason) {
    case "rule":
      return `${d.kind ?? "policy"} ${policy} rule ${d.rule}`;
    case "end-of-tier":
      return `end of tier ${d.tier} (no rule matched)`;
    case "profile":
      return `profile ${d.policy} rule ${d.rule}`;
    case "no-profile":
      return d.policy ? `missing profile ${d.policy}` : "no profile allowed it";
    default:
      return d.reason.replaceAll("-", " ");
  }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Sets `node`'s text, showing `backticked` parts as <code>. */
function richText(node, text) {
  node.replaceChildren(...text.split("`").map((part, i) => (i % 2 ? el("code", "", part) : document.createTextNode(part))));
}

function showError(err) {
  const box = $("traffic-error");
  if (!err) {
    box.hidden = true;
    box.textContent = "";
    return;
  }
  box.hidden = false;
  const problems = Array.isArray(err.problems) && err.problems.length ? err.problems : [err.message ?? String(err)];
  richText(box, problems.join("\n"));
}

// ---------------------------------------------------------------------------------------
// The YAML view: line numbers, the deciding line, and the line of a trace step in focus.

let decidingLine = null; // { line, verdict }
let focusLine = null;

function renderYaml() {
  const text = $("traffic-yaml").value;
  const lines = [];
  const numbers = [];
  text.split("\n").forEach((part, i) => {
    const n = i + 1;
    const div = el("div", "line");
    div.append(part || "\u200b");
    const num = el("div", "", String(n));
    if (decidingLine && decidingLine.line === n) {
      div.classList.add("decides", decidingLine.verdict);
      div.dataset.decides = decidingLine.verdict;
      num.className = `decides ${decidingLine.verdict}`;
    }
    if (focusLine === n) div.classList.add("traced");
    lines.push(div);
    numbers.push(num);
  });
  $("traffic-highlight").replaceChildren(...lines);
  gutter.replaceChildren(...numbers);
}

/** Scrolls the YAML box so that `line` is in view. */
function revealLine(line) {
  const div = $("traffic-highlight").children[line - 1];
  const box = $("traffic-yaml-box");
  if (!div || !box) return;
  const top = div.offsetTop - box.clientHeight / 3;
  box.scrollTop = Math.max(0, top);
}

// ---------------------------------------------------------------------------------------
// Queries

function load() {
  const text = $("traffic-yaml").value;
  cluster?.free();
  cluster = null;
  reach = null;
  try {
    cluster = api.Cluster.fromYaml(text, FILE);
  } catch (err) {
    showError(err);
    fillDestinations([]);
    render();
    return;
  }
  fillDestinations(cluster.endpoints);
  query();
}

function fillDestinations(endpoints) {
  const select = $("traffic-to");
  const current = select.value || DEFAULT_TO;
  select.replaceChildren(...endpoints.map((e) => el("option", "", e)));
  if (endpoints.includes(current)) select.value = current;
}

function query() {
  reach = null;
  showError(null);
  if (cluster) {
    const to = $("traffic-to").value;
    if (!to) {
      showError({ message: "The manifests define no host endpoint or pod to reach." });
    } else {
      try {
        reach = cluster.reach(to, Number($("traffic-port").value), $("traffic-protocol").value);
      } catch (err) {
        showError(err);
      }
    }
  }
  render();
}

function render() {
  renderSources();
  renderTrace();
}

function renderSources() {
  const list = $("sources");
  const summary = $("reach-summary");
  list.replaceChildren();
  if (!reach) {
    summary.textContent = "";
    $("reach-line").textContent = "";
    return;
  }
  const allowed = reach.sources.filter((s) => s.verdict === "allow").length;
  summary.textContent = `${allowed} of ${reach.sources.length} sources allowed`;
  summary.className = `summary ${allowed === reach.sources.length ? "error" : "ok"}`;
  $("reach-line").textContent = reach.summary;
  const cur = current();
  for (const s of reach.sources) {
    const li = el("li", `source ${s.verdict}`);
    li.dataset.source = s.source;
    li.dataset.verdict = s.verdict;
    const button = el("button", "source-select");
    button.type = "button";
    button.setAttribute("aria-pressed", String(s === cur));
    if (s === cur) li.classList.add("selected");
    const head = el("span", "source-head");
    head.append(el("span", `verdict-word ${s.verdict}`, s.verdict === "allow" ? "ALLOW" : "DENY"), el("span", "source-name", s.source));
    if (s.uncertain.length) head.append(el("span", "uncertain", "uncertain"));
    button.append(head);
    if (s.ranges.length) button.append(el("span", "ranges", s.ranges.join(", ")));
    button.append(el("span", "by", `by ${decisionText(s.decided_by)}`));
    button.addEventListener("click", () => {
      selected = key(s);
      focusLine = null;
      render();
    });
    li.append(button);
    list.append(li);
  }
}

function renderTrace() {
  const box = $("trace");
  const target = $("trace-target");
  box.replaceChildren();
  target.textContent = "";
  decidingLine = null;
  const s = current();
  if (!s) {
    box.append(el("p", "hint", reach ? "Select a source to see its trace." : ""));
    renderYaml();
    return;
  }
  const from = fromOf(s);
  const v = cluster.flow(from, reach.to, reach.port, $("traffic-protocol").value);
  target.textContent = `${from} → ${reach.to} ${reach.protocol} ${reach.port}`;
  const last = v.trace.at(-1);
  if (last && last.line !== null && last.file === FILE) decidingLine = { line: last.line, verdict: v.verdict };

  const head = el("p", `trace-verdict ${v.verdict}`);
  head.append(el("span", `verdict-word ${v.verdict}`, v.verdict === "allow" ? "ALLOW" : "DENY"), ` by ${decisionText(v.decided_by)}`);
  if (decidingLine) {
    const jump = el("button", "line-link", `line ${decidingLine.line}`);
    jump.type = "button";
    jump.addEventListener("click", () => revealLine(decidingLine.line));
    head.append(" ", jump);
  }
  box.append(head);
  for (const u of v.uncertain) box.append(el("p", "uncertain-note", `uncertain: ${u}`));

  const depth = { side: 0, failsafe: 1, stage: 1, tier: 1, profile: 1, special: 1, policy: 2, staged: 2, pass: 2, "end-of-tier": 2, rule: 3 };
  const list = el("ol", "trace");
  for (const e of v.trace) {
    const d = e.event === "verdict" ? (e.side ? 1 : 0) : depth[e.event] ?? 1;
    const li = el("li", `step ${e.event}`);
    li.style.setProperty("--depth", String(d));
    if (e.event === "rule") li.classList.add(e.matched ? "matched" : "missed");
    if (e.event === "verdict") li.classList.add((e.action ?? "").toLowerCase());
    const msg = el("span", "step-message");
    richText(msg, e.message);
    li.append(msg);
    if (e.line !== null && e.file === FILE) {
      const link = el("button", "line-link", `line ${e.line}`);
      link.type = "button";
      link.addEventListener("click", () => {
        focusLine = e.line;
        renderYaml();
        revealLine(e.line);
      });
      li.append(" ", link);
    }
    list.append(li);
  }
  box.append(list);
  renderYaml();
  if (decidingLine) revealLine(decidingLine.line);
}

// ---------------------------------------------------------------------------------------

/** Wires the tab to the loaded module (`init()` done) and shows the guide's deny-list. */
export function setupTraffic(module) {
  api = module;
  const yaml = $("traffic-yaml");
  gutter = el("div", "gutter");
  gutter.setAttribute("aria-hidden", "true");
  yaml.parentElement.prepend(gutter);
  yaml.value = DENY_LIST;
  yaml.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  });
  yaml.addEventListener("scroll", () => {
    $("traffic-highlight").parentElement.scrollLeft = yaml.scrollLeft;
  });
  const example = (text) => () => {
    yaml.value = text;
    selected = "external";
    focusLine = null;
    load();
  };
  $("traffic-load-deny").addEventListener("click", example(DENY_LIST));
  $("traffic-load-allow").addEventListener("click", example(ALLOW_LIST));
  $("traffic-to").addEventListener("change", query);
  $("traffic-protocol").addEventListener("change", query);
  $("traffic-port").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(query, 150);
  });
  // A hidden panel has no layout: bring the deciding line into view when the tab opens.
  new MutationObserver(() => {
    if (!$("panel-traffic").hidden && decidingLine) revealLine(decidingLine.line);
  }).observe($("panel-traffic"), { attributes: true, attributeFilter: ["hidden"] });
  load();
}
