// The selector algebra from JS: the same answers as the Rust core, camelCase names, witnesses
// as plain objects (or null) that the selectors match as claimed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasm } from "./helpers.mjs";

const { parse } = wasm;

test("satisfiability and witnesses", () => {
  const s = parse("a starts with 'abc' && a ends with 'bcd' && a != 'abcd'");
  assert.equal(s.isSatisfiable(), true);
  assert.deepEqual(s.witness(), { a: "abcbcd" });
  assert.equal(s.matches(s.witness()), true);
  const never = parse("!(a starts with 'ba') && a starts with 'duct' && a contains 'production' && !(a contains 'on')");
  assert.equal(never.isSatisfiable(), false);
  assert.equal(never.witness(), null);
  assert.deepEqual(parse("!has(a)").witness(), {});
});

test("implies, equivalent, intersects, counterexample", () => {
  const prOd = parse("a starts with 'pr' && a ends with 'od'");
  const prod = parse("a == 'prod'");
  assert.equal(prOd.implies(prod), false);
  assert.equal(prod.implies(prOd), true);
  assert.equal(prod.implies(prod), true);
  assert.deepEqual(prOd.counterexample(prod), { a: "prxod" });
  assert.equal(prod.counterexample(prOd), null);
  assert.equal(parse("a in {'x'}").equivalent(parse("a == 'x'")), true);
  assert.equal(prOd.equivalent(prod), false);
  assert.equal(parse("a == 'x'").intersects(parse("a == 'y'")), false);
  assert.equal(prOd.intersects(prod), true);
  assert.throws(() => prod.implies("a == 'prod'"));
});

test("compare gives the relation and a witness per region", () => {
  const c = parse("env == 'prod'").compare(parse("has(env)"));
  assert.deepEqual(c, {
    relation: "subset",
    relationText: "A ⊂ B",
    both: { env: "prod" },
    onlyA: null,
    onlyB: { env: "" },
  });
  const cases = [
    ["has(env)", "env == 'prod'", "superset"],
    ["env in {'a'}", "env == 'a'", "equivalent"],
    ["env == 'a'", "env == 'b'", "disjoint"],
    ["a == 'x'", "b == 'y'", "overlapping"],
  ];
  for (const [a, b, relation] of cases) {
    const [sa, sb] = [parse(a), parse(b)];
    const r = sa.compare(sb);
    assert.equal(r.relation, relation, `${a} vs ${b}`);
    for (const [w, inA, inB] of [[r.both, true, true], [r.onlyA, true, false], [r.onlyB, false, true]]) {
      if (w !== null) assert.deepEqual([sa.matches(w), sb.matches(w)], [inA, inB]);
    }
  }
});
