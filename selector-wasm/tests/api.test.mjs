// The JavaScript API as documented in the generated declarations and the README.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasm } from "./helpers.mjs";

test("parse(): the Selector object", () => {
  const s = wasm.parse('  app == "web" && !has(debug) ');
  assert.ok(s instanceof wasm.Selector);
  assert.equal(s.canonical, '(app == "web" && !has(debug))');
  assert.match(s.uniqueId, /^s:[A-Za-z0-9_-]{38}$/);
  assert.equal(s.source, '  app == "web" && !has(debug) ');
  assert.equal(`${s}`, s.canonical);
  assert.equal(JSON.stringify({ selector: s }), JSON.stringify({ selector: s.canonical }));
  assert.deepEqual(s.labelNames(), ["app", "debug"]);
  assert.equal(s.restrictionsConflict(), false);
  assert.deepEqual(s.labelRestrictions(), {
    app: { present: true, absent: false, values: ["web"] },
    debug: { present: false, absent: true, values: null },
  });
  assert.equal(s.matches({ app: "web" }), true);
  assert.equal(s.matches({ app: "web", debug: "" }), false);
  assert.equal(s.matches(new Map([["app", "web"]])), true);
  s.free();
});

test("the unique id is Calico's (SPEC section 6)", () => {
  assert.equal(wasm.parse('running-calico == "true"').uniqueId, "s:DUmB89iGSY1Zc4i1sUI_0d-I80TWRxureQMmKg");
  const empty = wasm.parse(" \t");
  assert.equal(empty.canonical, "all()");
  assert.equal(empty.uniqueId, "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug");
  assert.deepEqual(empty.labelRestrictions(), {});
  assert.equal(empty.matches({}), true);
});

test("explain(): a verdict tree with spans in the source", () => {
  const src = 'app == "web" && (tier in {"api", "db"} || !has(debug))';
  const s = wasm.parse(src);
  const e = s.explain({ app: "web", tier: "cache", debug: "1" });
  assert.equal(e.matched, false);
  assert.equal(e.text, s.canonical);
  assert.equal(e.children.length, 2);
  const [app, rest] = e.children;
  assert.deepEqual([app.text, app.matched], ['app == "web"', true]);
  assert.equal(src.slice(app.start, app.end), 'app == "web"');
  assert.equal(rest.matched, false);
  assert.deepEqual(rest.children.map((c) => [c.text, c.matched]), [
    ['tier in {"api", "db"}', false],
    ["!has(debug)", false],
  ]);
  assert.equal(src.slice(rest.children[0].start, rest.children[0].end), 'tier in {"api", "db"}');
  s.free();
});

test("check(): never throws; gives canonical text and id, or diagnostics", () => {
  assert.deepEqual(wasm.check('a=="x"'), {
    ok: true,
    canonical: 'a == "x"',
    uniqueId: wasm.parse('a == "x"').uniqueId,
    diagnostics: [],
  });
  // A valid selector that can never match: the linter's warning (check_selector).
  const never = wasm.check("!all()");
  assert.equal(never.ok, true);
  assert.deepEqual(never.diagnostics.map((d) => [d.rule, d.severity, d.kind]), [["never-matches", "warning", null]]);
  const r = wasm.check('app = "web"');
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics.length, 1);
  const d = r.diagnostics[0];
  assert.deepEqual(Object.keys(d).sort(), [
    "byteEnd", "byteStart", "column", "end", "help", "kind", "line", "message", "rule", "severity", "start",
  ]);
  assert.equal(d.severity, "error");
  assert.equal(d.rule, "selector-syntax");
  assert.equal(d.start, 4, "points at `=`");
  assert.equal(d.line, 1);
  assert.equal(d.column, 5);
  assert.match(d.help, /==/, "suggests ==");
});

test("parse() throws an Error subclass instance carrying the diagnostic fields", () => {
  assert.throws(
    () => wasm.parse('app in ("a", "b")'),
    (e) => {
      assert.ok(e instanceof Error);
      assert.equal(e.name, "SelectorError");
      assert.ok(e.stack.includes("SelectorError"));
      assert.equal(typeof e.help, "string");
      assert.match(e.help, /\{/, "suggests braces");
      assert.equal(e.start, 7);
      return true;
    },
  );
});

test("tokens(): kinds for highlighting, also before an error", () => {
  const text = 'a in {"x",} && b not in {} || c starts with "d" && global() && all()';
  const t = wasm.tokens(text);
  assert.equal(t.error, null);
  const kinds = t.tokens.map((x) => x.kind);
  for (const k of ["label", "operator", "lbrace", "string", "comma", "rbrace", "and", "or", "function"]) {
    assert.ok(kinds.includes(k), `no ${k} token in ${kinds}`);
  }
  const words = t.tokens.filter((x) => x.kind === "operator").map((x) => text.slice(x.start, x.end));
  assert.deepEqual(words, ["in", "not in", "starts with"]);

  const bad = 'a == "x" && b = "y"';
  const b = wasm.tokens(bad);
  assert.notEqual(b.error, null);
  assert.equal(b.error.start, bad.lastIndexOf("= "));
  assert.deepEqual(
    b.tokens.slice(0, 5).map((x) => [x.kind, bad.slice(x.start, x.end)]),
    [["label", "a"], ["operator", "=="], ["string", '"x"'], ["and", "&&"], ["label", "b"]],
  );
});

test("format(): canonical text, or a thrown SelectorError", () => {
  assert.equal(wasm.format("a in {'b','a','b'}"), 'a in {"a", "b"}');
  assert.equal(wasm.format("!!has(a)"), "has(a)");
  assert.equal(wasm.format('v == \'say "hi"\''), `v == 'say "hi"'`);
  assert.throws(() => wasm.format("a =="), { name: "SelectorError" });
});

test("LabelSet: labels copied once, for matchesSet", () => {
  const set = new wasm.LabelSet({ app: "web", tier: "", "😀": "é" });
  assert.equal(set.size, 3);
  assert.equal(set.get("app"), "web");
  assert.equal(set.get("tier"), "");
  assert.equal(set.get("😀"), "é");
  assert.equal(set.get("missing"), undefined);
  const s = wasm.parse('app == "web" && has(tier)');
  assert.equal(s.matchesSet(set), true);
  assert.equal(s.matchesSet(new wasm.LabelSet(new Map([["app", "web"]]))), false);
  assert.equal(s.matchesSet(new wasm.LabelSet({})), false);
  assert.equal(wasm.parse("").matchesSet(new wasm.LabelSet({})), true);
  assert.throws(() => new wasm.LabelSet({ a: 1 }), { name: "TypeError", message: "label `a` must be a string, got number" });
  assert.throws(() => new wasm.LabelSet(new Map([[1, "x"]])), TypeError);
  assert.throws(() => new wasm.LabelSet(null), TypeError);
  assert.throws(() => new wasm.LabelSet(["a"]), TypeError);
  assert.throws(() => s.matchesSet({ app: "web" }), "a plain object is not a LabelSet");
  set.free();
  assert.throws(() => s.matchesSet(set), "a freed LabelSet");
  assert.equal(s.matches({ app: "web", tier: "x" }), true, "module still works");
});
