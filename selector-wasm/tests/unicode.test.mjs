// Spans are UTF-16 code units (JS string indices) and bytes, also after non-ASCII and
// astral (surrogate-pair) characters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasm, assertSpan, assertErrorInfo } from "./helpers.mjs";

const text = 'app == "café 😀" && tier in {"𝄞", "ü"} || !has(x)';

test("token spans index the JS string after astral characters", () => {
  const t = wasm.tokens(text);
  assert.equal(t.error, null);
  const seen = t.tokens.map((tok) => [tok.kind, text.slice(tok.start, tok.end)]);
  assert.deepEqual(seen.slice(0, 13), [
    ["label", "app"],
    ["operator", "=="],
    ["string", '"café 😀"'],
    ["and", "&&"],
    ["label", "tier"],
    ["operator", "in"],
    ["lbrace", "{"],
    ["string", '"𝄞"'],
    ["comma", ","],
    ["string", '"ü"'],
    ["rbrace", "}"],
    ["or", "||"],
    ["not", "!"],
  ]);
  // `has(x)`: the core may give `has` or `has(` as the function token; either way the rest
  // of the tokens spell it out, starting with the function.
  assert.equal(seen[13][0], "function");
  assert.equal(seen.slice(13).map(([, t]) => t).join(""), "has(x)");
  for (const tok of t.tokens) assertSpan(text, tok, tok.kind);
  // The string after the emoji: 4 bytes but 2 UTF-16 units for 😀, 2 bytes for é.
  const and = t.tokens[3];
  assert.equal(and.start, text.indexOf("&&"));
  assert.equal(and.byteStart, Buffer.byteLength(text.slice(0, text.indexOf("&&"))));
  assert.equal(and.byteStart - and.start, 1 /* é */ + 2 /* 😀 */);
});

test("error spans point at the offending character in UTF-16 and bytes", () => {
  const cases = [
    ['a == "😀😀" && b = "x"', "="],
    ['a == "𝄞" && b == x', "x"],
    ['ü == "x"', "ü"],
    ['a == "x" && 😀', "😀"],
    ['a in {"é", "😀"} && b == "c" &&& c', "&"],
  ];
  for (const [sel, culprit] of cases) {
    const r = wasm.check(sel);
    assert.equal(r.ok, false, sel);
    const d = r.diagnostics[0];
    assertErrorInfo(sel, d, sel);
    const at = sel.lastIndexOf(culprit);
    assert.ok(
      d.start <= at && at <= Math.max(d.end, d.start),
      `${sel}: error ${d.start}..${d.end} does not cover ${JSON.stringify(culprit)} at ${at}`,
    );
    let thrown;
    try {
      wasm.parse(sel);
    } catch (e) {
      thrown = e;
    }
    assert.equal(thrown?.start, d.start);
    assert.equal(thrown?.byteStart, d.byteStart);
  }
});

test("an astral character outside a string is reported as one whole character", () => {
  const sel = 'a == "x" && 😀 == "y"';
  const d = wasm.check(sel).diagnostics[0];
  assert.equal(d.start, sel.indexOf("😀"));
  if (d.end > d.start) {
    assert.equal(d.end - d.start, 2, "a surrogate pair is never split");
    assert.equal(d.byteEnd - d.byteStart, 4);
  }
});

test("explain() spans are UTF-16 in the source text", () => {
  const s = wasm.parse(text);
  const e = s.explain({ app: "café 😀", tier: "𝄞" });
  assert.equal(e.matched, true);
  const walk = (node) => {
    assertSpan(text, node, node.text);
    node.children.forEach(walk);
  };
  walk(e);
  assert.equal(e.start, 0);
  assert.equal(e.end, text.length);
  s.free();
});

test("non-ASCII label values match byte-for-byte, without normalisation", () => {
  const s = wasm.parse('name == "é" && emoji starts with "😀"');
  assert.equal(s.matches({ name: "é", emoji: "😀x" }), true);
  assert.equal(s.matches({ name: "e\u0301", emoji: "😀" }), false, "NFD é is another string");
  assert.equal(s.matches({ name: "é", emoji: "\uD83D" }), false, "half a surrogate pair");
  s.free();
  const c = wasm.parse('v contains "\uDE00"');
  // A lone surrogate becomes U+FFFD on the way in, on both sides alike.
  assert.equal(c.canonical, 'v contains "\uFFFD"');
  c.free();
});

test("a lone surrogate before an error keeps UTF-16 offsets aligned", () => {
  const sel = 'a == "\uD800" && b = "x"';
  const d = wasm.check(sel).diagnostics[0];
  assert.equal(d.start, sel.lastIndexOf("= "));
  assert.equal(d.byteStart, Buffer.byteLength('a == "\uFFFD" && b '));
});

test("label values of any size and script are read exactly, from objects and Maps", () => {
  const s = wasm.parse('a == "é😀" || b ends with "😀" || c starts with "x\u00e9"');
  const cases = [
    [{ a: "é😀" }, true],
    [{ a: "é😀 " }, false],
    [{ b: "é".repeat(400_000) + "😀" }, true], // grows the scratch buffer past 1 MB
    [{ b: "😀".repeat(100_000) + "x" }, false],
    [{ c: "xé" + "日本".repeat(50_000) }, true],
    [{ c: "x\u0065\u0301" }, false],
    [{ a: "\uD83D\uDE00".slice(0, 1) }, false],
    [{ z: "é".repeat(10), a: "é😀" }, true],
  ];
  for (const [labels, expected] of cases) {
    assert.equal(s.matches(labels), expected, JSON.stringify(labels).slice(0, 60));
    assert.equal(s.matches(new Map(Object.entries(labels))), expected);
    assert.equal(s.explain(labels).matched, expected);
  }
  s.free();
});
