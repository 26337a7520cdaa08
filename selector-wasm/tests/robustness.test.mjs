// Hostile input never crashes the module: deep nesting, a megabyte of text, bad label
// values, use after free. After each, the module still answers correctly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasm, assertErrorInfo } from "./helpers.mjs";

const MB = 1 << 20;

function stillWorks() {
  const s = wasm.parse('app == "web"');
  assert.equal(s.matches({ app: "web" }), true);
  assert.equal(s.matches({ app: "db" }), false);
  s.free();
}

function expectSelectorError(text) {
  let thrown;
  try {
    wasm.parse(text);
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof Error, "parse must throw");
  assert.equal(thrown.name, "SelectorError", `not a SelectorError: ${thrown}`);
  assertErrorInfo(text, thrown);
  const r = wasm.check(text);
  assert.equal(r.ok, false);
  const t = wasm.tokens(text);
  assert.ok(Array.isArray(t.tokens));
  return thrown;
}

function nested(depth, inner = 'a == "x"') {
  return "(".repeat(depth) + inner + ")".repeat(depth);
}

test("256 nested parentheses parse and evaluate inside WebAssembly's small stack", () => {
  for (const depth of [1, 64, 255, 256]) {
    const s = wasm.parse(nested(depth));
    assert.equal(s.canonical, 'a == "x"');
    assert.equal(s.matches({ a: "x" }), true);
    assert.equal(s.explain({ a: "x" }).matched, true);
    s.free();
  }
  // Nesting that leaves nodes in the tree: alternate `!` and parentheses.
  const deep = "!(".repeat(256) + "has(a)" + ")".repeat(256);
  const s = wasm.parse(deep);
  assert.equal(s.matches({ a: "" }), true, "an even number of negations");
  assert.equal(s.explain({}).matched, false);
  s.labelRestrictions();
  s.free();
  stillWorks();
});

test("100,000 nested parentheses give a clear error, not a stack overflow", () => {
  for (const text of [nested(100_000), "(".repeat(100_000), "!(".repeat(100_000) + "has(a)" + ")".repeat(100_000)]) {
    const e = expectSelectorError(text);
    assert.match(`${e.message} ${e.help ?? ""}`, /nest|deep|depth/i, e.message);
    stillWorks();
  }
});

test("a megabyte of input: valid long chains, a long string, long runs of `!`", () => {
  const clause = 'app == "web" && ';
  const chain = clause.repeat(Math.ceil(MB / clause.length)) + "has(app)";
  assert.ok(chain.length >= MB);
  let s = wasm.parse(chain);
  assert.equal(s.matches({ app: "web" }), true);
  assert.equal(s.matches({ app: "db" }), false);
  assert.ok(s.canonical.length > MB / 2);
  s.free();

  const n = Math.floor(MB / 12);
  const or = 'a == "x" || '.repeat(n) + 'b == "y"';
  s = wasm.parse(or);
  assert.equal(s.matches({ b: "y" }), true);
  assert.equal(wasm.tokens(or).tokens.length, n * 4 + 3);
  s.free();

  const big = "v".repeat(MB);
  s = wasm.parse(`a == "${big}"`);
  assert.equal(s.matches({ a: big }), true);
  assert.equal(s.matches({ a: big + "!" }), false);
  s.free();

  // A run of `!` is not nesting and must parse, whatever its length.
  s = wasm.parse("!".repeat(MB) + "has(a)");
  assert.equal(s.canonical, "has(a)", "an even run cancels");
  s.free();
  s = wasm.parse("!".repeat(MB + 1) + "has(a)");
  assert.equal(s.canonical, "!has(a)");
  s.free();
  stillWorks();
});

test("a megabyte of garbage is an error with a usable span", () => {
  for (const text of [
    "=".repeat(MB),
    "a".repeat(MB),
    "a == " + "x".repeat(MB),
    'a == "' + "x".repeat(MB),
    "😀".repeat(MB / 4),
    "\n".repeat(MB),
    "{".repeat(MB),
  ]) {
    expectSelectorError(text);
    stillWorks();
  }
});

test("label values that are not strings throw a TypeError, and the module carries on", () => {
  const s = wasm.parse('a == "1" || has(b)');
  for (const bad of [1, true, null, {}, ["x"], Symbol("x"), 10n]) {
    assert.throws(() => s.matches({ a: bad }), TypeError, `value ${String(bad)}`);
    assert.throws(() => s.explain({ a: bad }), TypeError);
    assert.throws(() => s.matches(new Map([["b", bad]])), TypeError);
  }
  for (const bad of [null, undefined, 1, "a=1", ["a"], () => {}]) {
    assert.throws(() => s.matches(bad), TypeError, `labels ${String(bad)}`);
  }
  assert.throws(() => s.matches({ a: 1 }), /label `a` must be a string, got number/);
  assert.equal(s.matches({ a: undefined, b: "" }), true, "undefined is absent");
  assert.equal(s.matches({ a: "1", zz: 42 }), true, "labels the selector does not read are not inspected");
  s.free();
  stillWorks();
});

test("labels are own properties only: nothing is inherited from Object.prototype", () => {
  const s = wasm.parse('has(toString) || constructor == "x" || __proto__ == "y"');
  assert.equal(s.matches({}), false);
  assert.equal(s.matches(Object.create({ toString: "inherited" })), false);
  assert.equal(s.matches({ toString: "" }), true);
  assert.equal(s.matches({ constructor: "x" }), true);
  assert.equal(s.matches(JSON.parse('{"__proto__": "y"}')), true);
  assert.equal(s.matches(Object.assign(Object.create(null), { constructor: "x" })), true);
  s.free();
});

test("a freed selector throws instead of reading freed memory", () => {
  const s = wasm.parse("has(a)");
  s.free();
  assert.throws(() => s.matches({ a: "" }));
  assert.throws(() => s.canonical);
  stillWorks();
});
