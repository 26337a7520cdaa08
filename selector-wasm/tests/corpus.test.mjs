// Replays every line and every case of tests/data/calico-corpus.jsonl (Calico's own
// verdicts) through the WebAssembly build, as the Rust and Python suites do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasm, corpus, allPass, assertErrorInfo, assertSpan } from "./helpers.mjs";

const lines = corpus();
const valid = lines.filter((l) => l.valid);
const invalid = lines.filter((l) => !l.valid);

test("the corpus has both valid and invalid selectors", () => {
  assert.equal(lines.length, 3000);
  assert.ok(valid.length > 1000 && invalid.length > 100);
});

test("valid selectors: canonical text, unique id, label restrictions", () => {
  allPass(valid, (line) => {
    const s = wasm.parse(line.selector);
    try {
      assert.equal(s.canonical, line.canonical, "canonical");
      assert.equal(s.uniqueId, line.unique_id, "uniqueId");
      assert.equal(s.source, line.selector, "source");
      assert.deepEqual(s.labelRestrictions(), line.label_restrictions, "labelRestrictions");
      assert.equal(wasm.format(line.selector), line.canonical, "format");
      assert.equal(String(s), line.canonical, "toString");
      const impossible = Object.values(line.label_restrictions).some(
        (r) => (r.present && r.absent) || (Array.isArray(r.values) && r.values.length === 0),
      );
      assert.equal(s.restrictionsConflict(), impossible, "restrictionsConflict");
      const names = s.labelNames();
      assert.deepEqual(names, [...names].sort(), "labelNames sorted");
      for (const label of Object.keys(line.label_restrictions)) {
        assert.ok(names.includes(label), `labelNames lacks restricted label ${label}`);
      }
    } finally {
      s.free();
    }
  });
});

test("valid selectors: every case matches as Calico decided, from an object, a Map and a LabelSet", () => {
  let pairs = 0;
  allPass(valid, (line) => {
    const s = wasm.parse(line.selector);
    try {
      for (const c of line.cases) {
        pairs++;
        assert.equal(s.matches(c.labels), c.matches, `labels ${JSON.stringify(c.labels)}`);
        assert.equal(s.matches(new Map(Object.entries(c.labels))), c.matches, "as a Map");
        const set = new wasm.LabelSet(c.labels);
        assert.equal(s.matchesSet(set), c.matches, "as a LabelSet");
        set.free();
        const e = s.explain(c.labels);
        assert.equal(e.matched, c.matches, "explain().matched");
        assert.equal(e.text, line.canonical, "explain() root text is the canonical text");
        const walk = (node) => {
          assertSpan(line.selector, node, `explain ${node.text}`);
          node.children.forEach(walk);
        };
        walk(e);
      }
    } finally {
      s.free();
    }
  });
  assert.ok(pairs > 5000, `only ${pairs} cases replayed`);
});

test("valid selectors: check() and tokens() agree with parse()", () => {
  allPass(valid, (line) => {
    const r = wasm.check(line.selector);
    assert.deepEqual(
      { ok: r.ok, canonical: r.canonical, uniqueId: r.uniqueId },
      { ok: true, canonical: line.canonical, uniqueId: line.unique_id },
    );
    assert.ok(r.diagnostics.every((d) => d.severity !== "error"), "a valid selector has no error");
    const t = wasm.tokens(line.selector);
    assert.equal(t.error, null, "tokens().error");
    let previousEnd = 0;
    for (const tok of t.tokens) {
      assertSpan(line.selector, tok, `token ${tok.kind}`);
      assert.ok(tok.start >= previousEnd, "tokens in order, not overlapping");
      assert.ok(tok.end > tok.start, "tokens are not empty");
      previousEnd = tok.end;
    }
    // Everything between tokens is whitespace (space or tab), nothing is lost.
    let rest = line.selector;
    for (const tok of [...t.tokens].reverse()) {
      rest = rest.slice(0, tok.start) + " ".repeat(tok.end - tok.start) + rest.slice(tok.end);
    }
    assert.match(rest, /^[ \t]*$/, "text outside tokens is whitespace");
  });
});

test("invalid selectors: parse throws a SelectorError, check reports it, nothing crashes", () => {
  allPass(invalid, (line) => {
    let thrown;
    try {
      wasm.parse(line.selector);
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof Error, "parse must throw an Error");
    assert.equal(thrown.name, "SelectorError");
    assertErrorInfo(line.selector, thrown, "thrown");

    const r = wasm.check(line.selector);
    assert.equal(r.ok, false);
    assert.ok(r.diagnostics.some((x) => x.severity === "error"));
    // The finding that is the parse error itself carries its kind (others, such as the
    // Kubernetes-syntax rule's rewrite or a line break's, have kind null).
    const d = r.diagnostics.find((x) => x.kind !== null);
    if (d === undefined) {
      const rules = r.diagnostics.map((x) => x.rule);
      assert.ok(rules.includes("k8s-selector-syntax") || rules.includes("selector-newline"), rules.join());
      return;
    }
    assert.equal(d.severity, "error");
    assertErrorInfo(line.selector, d, "diagnostic");
    for (const k of ["message", "help", "kind", "start", "end", "byteStart", "byteEnd", "line", "column"]) {
      assert.equal(d[k], thrown[k], `check() and parse() disagree on ${k}`);
    }

    const t = wasm.tokens(line.selector);
    assert.notEqual(t.error, null, "tokens().error must be set for an invalid selector");
    assertErrorInfo(line.selector, t.error, "tokens().error");
    let previousEnd = 0;
    for (const tok of t.tokens) {
      assertSpan(line.selector, tok, `token ${tok.kind}`);
      assert.ok(tok.start >= previousEnd, "tokens in order, not overlapping");
      previousEnd = tok.end;
    }
    assert.throws(() => wasm.format(line.selector), { name: "SelectorError" });
  });
});
