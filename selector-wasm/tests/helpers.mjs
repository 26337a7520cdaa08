// Shared by the node tests: loads the `--target nodejs` build and checks spans.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);

/** The package as Node users get it (`require("calico-selector-wasm")`). */
export const wasm = require("../pkg-node/selector_wasm.js");

/** Path to a file relative to the repository root. */
export function repoPath(relative) {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

/** The conformance corpus, one object per line. */
export function corpus() {
  return readFileSync(repoPath("tests/data/calico-corpus.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** UTF-8 length of a JS string prefix (lone surrogates count as U+FFFD: 3 bytes). */
export function utf8Length(text) {
  return Buffer.byteLength(text.toWellFormed ? text.toWellFormed() : text, "utf8");
}

/**
 * Asserts that `span` ({start, end, byteStart, byteEnd}) is a valid range of `text` whose
 * UTF-16 and byte offsets describe the same characters.
 */
export function assertSpan(text, span, what = "span") {
  const { start, end, byteStart, byteEnd } = span;
  for (const [k, v] of Object.entries({ start, end, byteStart, byteEnd })) {
    assert.ok(Number.isInteger(v) && v >= 0, `${what}.${k} = ${v} is not an offset`);
  }
  assert.ok(start <= end && end <= text.length, `${what} ${start}..${end} outside 0..${text.length}`);
  assert.equal(byteStart, utf8Length(text.slice(0, start)), `${what}.byteStart vs start ${start}`);
  assert.equal(byteEnd, utf8Length(text.slice(0, end)), `${what}.byteEnd vs end ${end}`);
}

/** Asserts that `e` has every field of a selector error, with a consistent span. */
export function assertErrorInfo(text, e, what = "error") {
  assert.equal(typeof e.message, "string", `${what}.message`);
  assert.ok(e.message.length > 0, `${what}.message is empty`);
  assert.ok(e.help === null || (typeof e.help === "string" && e.help.length > 0), `${what}.help`);
  assert.match(e.kind, /^[a-z][a-z0-9_]*$/, `${what}.kind`);
  assert.ok(Number.isInteger(e.line) && e.line >= 1, `${what}.line`);
  assert.ok(Number.isInteger(e.column) && e.column >= 1, `${what}.column`);
  assertSpan(text, e, what);
}

/** Runs `check` over items and fails once with the first few failures listed. */
export function allPass(items, check, limit = 15) {
  const failures = [];
  for (const item of items) {
    try {
      check(item);
    } catch (err) {
      failures.push(`${JSON.stringify(item.selector ?? item)}: ${err.message}`);
    }
  }
  assert.deepEqual(failures.slice(0, limit), [], `${failures.length} of ${items.length} failed`);
}
