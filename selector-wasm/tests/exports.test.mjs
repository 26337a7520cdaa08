// index.d.ts and the module agree: every declared function and method exists at run time,
// and nothing is exported that the declarations do not describe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { wasm } from "./helpers.mjs";

// index.d.ts, plus the declarations generated from Rust (`typescript_custom_section` strings in
// src/*.rs) that merge into its classes (`export interface Selector { … }`).
const handWritten = readFileSync(new URL("../index.d.ts", import.meta.url), "utf8");
const srcDir = new URL("../src/", import.meta.url);
const generated = readdirSync(srcDir)
  .filter((f) => f.endsWith(".rs"))
  .flatMap((f) => [...readFileSync(new URL(f, srcDir), "utf8").matchAll(/typescript_custom_section\)\]\s*const \w+: &(?:'static )?str = r#"([\s\S]*?)"#;/g)])
  .map((m) => m[1].replace(/^export interface (\w+) \{/gm, "export class $1 {"))
  .join("\n");
const dts = handWritten;
const classBodies = (cls) =>
  [handWritten, generated].flatMap((text) => {
    const at = text.indexOf(`export class ${cls} `);
    if (at < 0) return [];
    const body = text.slice(at);
    return [body.slice(0, body.indexOf("\n}"))];
  });

test("exported functions and classes match index.d.ts", () => {
  const declared = [...dts.matchAll(/^export (?:declare )?(?:function|class) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(Object.keys(wasm).sort(), [...new Set(declared)].sort());
  for (const name of declared) {
    assert.equal(typeof wasm[name], "function", name);
  }
});

for (const cls of ["Selector", "LabelSet"]) {
  test(`${cls} methods and getters match index.d.ts`, () => {
    const classBody = classBodies(cls).join("\n");
    const methods = [...classBody.matchAll(/^  (\w+)\(/gm)].map((m) => m[1]).filter((n) => n !== "constructor");
    const getters = [...classBody.matchAll(/^  readonly (\w+):/gm)].map((m) => m[1]);
    assert.ok(methods.length > 0);
    const proto = wasm[cls].prototype;
    const own = Object.getOwnPropertyNames(proto).filter((n) => n !== "constructor" && !n.startsWith("__"));
    assert.deepEqual(own.sort(), [...methods, ...getters].sort());
    for (const g of getters) {
      assert.equal(typeof Object.getOwnPropertyDescriptor(proto, g).get, "function", `${g} is a getter`);
    }
    assert.equal(typeof proto[Symbol.dispose], "function");
  });
}
