// index.d.ts and the module agree: every declared function and method exists at run time,
// and nothing is exported that the declarations do not describe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { wasm } from "./helpers.mjs";

const dts = readFileSync(new URL("../index.d.ts", import.meta.url), "utf8");
// Exports whose declarations wasm-bindgen generates from Rust (pkg-node/selector_wasm.d.ts).
const generated = readFileSync(new URL("../pkg-node/selector_wasm.d.ts", import.meta.url), "utf8");
const FROM_RUST = ["Cluster"];

test("exported functions and classes match index.d.ts", () => {
  const declared = [...dts.matchAll(/^export (?:declare )?(?:function|class) (\w+)/gm)].map((m) => m[1]);
  for (const name of FROM_RUST) {
    assert.match(generated, new RegExp(`^export class ${name} \\{`, "m"), name);
    declared.push(name);
  }
  assert.deepEqual(Object.keys(wasm).sort(), [...new Set(declared)].sort());
  for (const name of declared) {
    assert.equal(typeof wasm[name], "function", name);
  }
});

for (const cls of ["Selector", "LabelSet"]) {
  test(`${cls} methods and getters match index.d.ts`, () => {
    const body = dts.slice(dts.indexOf(`export class ${cls} `));
    const classBody = body.slice(0, body.indexOf("\n}"));
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
