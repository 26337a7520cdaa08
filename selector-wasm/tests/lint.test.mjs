// lintYaml: the policy linter (selector-policy's lint_text) from JavaScript, spans in
// UTF-16 and bytes of the YAML text; it never throws and never brings the module down.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { wasm, repoPath, assertSpan } from "./helpers.mjs";

function lint(text, name) {
  const diagnostics = wasm.lintYaml(text, name);
  assert.ok(Array.isArray(diagnostics));
  for (const d of diagnostics) {
    assert.deepEqual(Object.keys(d).sort(), [
      "byteEnd", "byteStart", "column", "end", "file", "help", "line", "message", "rule", "severity", "start",
    ]);
    assert.match(d.rule, /^[a-z0-9-]+$/);
    assert.ok(["error", "warning", "info"].includes(d.severity), d.severity);
    assert.ok(d.message.length > 0);
    assertSpan(text, d, `${d.rule} at ${d.line}:${d.column}`);
    // line and column describe `start`.
    const before = text.slice(0, d.start);
    assert.equal(d.line, before.split("\n").length, "line");
    assert.equal(d.column, [...before.slice(before.lastIndexOf("\n") + 1)].length + 1, "column (chars)");
  }
  return diagnostics;
}

const SELECTOR_ERRORS = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: restrict-calico-node-prometheus
spec:
  selector: running-calico = "true"
  ingress:
    - action: Deny
      source:
        notSelector: calico-prometheus-access == "true" and has(app)
`;

test("selector mistakes in a policy are reported at their line and column", () => {
  const d = lint(SELECTOR_ERRORS, "policy.yaml");
  const errors = d.filter((x) => x.severity === "error").map((x) => [x.rule, x.line, SELECTOR_ERRORS.slice(x.start, x.end)]);
  assert.deepEqual(errors, [
    ["selector-syntax", 6, "="],
    ["selector-syntax", 10, "and"],
  ]);
  assert.ok(d.every((x) => x.file === "policy.yaml"));
  assert.equal(lint(SELECTOR_ERRORS)[0].file, "<input>", "default file name");
  assert.match(d[0].help, /==/);
});

test("spans stay right after non-ASCII and astral characters in the YAML", () => {
  const text = SELECTOR_ERRORS.replace("metadata:", "# ünïcödé 😀😀 comment\nmetadata:").replace(
    "running-calico =",
    'note == "日本😀" && running-calico =',
  );
  const d = lint(text).filter((x) => x.rule === "selector-syntax");
  assert.equal(d.length, 2);
  assert.equal(text.slice(d[0].start, d[0].end), "=");
  assert.equal(d[0].start, text.indexOf('running-calico = "') + "running-calico ".length);
  assert.ok(d[0].byteStart > d[0].start, "bytes run ahead of UTF-16 units after non-ASCII text");
});

test("the project's example manifests (the seed's policies) lint without errors", () => {
  const examples = repoPath("examples/secure-prometheus");
  for (const dir of readdirSync(examples)) {
    for (const file of readdirSync(join(examples, dir))) {
      const text = readFileSync(join(examples, dir, file), "utf8");
      const errors = lint(text, file).filter((x) => x.severity === "error");
      assert.deepEqual(errors, [], `${dir}/${file}`);
    }
  }
});

test("YAML errors and duplicate resources are found in one text", () => {
  const broken = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: [unclosed\n";
  assert.ok(lint(broken).some((x) => x.rule === "yaml-syntax" && x.severity === "error"));
  const doc = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: same\nspec:\n  selector: all()\n";
  const dup = lint(`${doc}---\n${doc}`);
  const found = dup.find((x) => x.rule === "duplicate-resource");
  assert.ok(found, JSON.stringify(dup));
  assert.equal(found.line, 11);
});

test("hostile YAML never throws or breaks the module", () => {
  const MB = 1 << 20;
  const inputs = [
    "",
    "\u0000\u0001\uFFFF\uD800",
    "x: " + "y".repeat(MB),
    "[".repeat(100_000),
    "[".repeat(100_000) + "]".repeat(100_000),
    "{a: ".repeat(50_000) + "}".repeat(50_000),
    "- ".repeat(100_000) + "x",
    "- ".repeat(990) + "[".repeat(1_000) + "]".repeat(1_000),
    Array.from({ length: 990 }, (_, i) => " ".repeat(i) + "- a").join("\n"),
    Array.from({ length: 20_000 }, (_, i) => " ".repeat(i) + "- a").join("\n"),
    "spec:\n  selector: " + "(".repeat(100_000),
    "a: &a [*a, *a]\nb: *a\n",
    "---\n".repeat(100_000),
  ];
  for (const text of inputs) {
    lint(text);
    const s = wasm.parse('app == "web"');
    assert.equal(s.matches({ app: "web" }), true, "module still works");
    s.free();
  }
});

// The rule fixtures of selector-policy/tests/rules/: lintYaml gives the findings of each
// fire.expected (the Rust harness and the CLI give the same), and nothing on clean files.
const RULES_DIR = repoPath("selector-policy/tests/rules");

function render(diagnostics) {
  return diagnostics
    .map((d) => `${d.line}:${d.column} ${d.severity}[${d.rule}] ${d.message.replaceAll("\n", "\\n")}\n`)
    .join("");
}

test("every rule fixture gives the same findings as through the CLI", () => {
  const rules = readdirSync(RULES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory());
  assert.ok(rules.length >= 15, `only ${rules.length} rule folders`);
  for (const rule of rules) {
    const dir = join(RULES_DIR, rule.name);
    // The name the Rust harness gives the file (relative to the selector-policy crate).
    const name = `tests/rules/${rule.name}/fire.yaml`;
    const found = lint(readFileSync(join(dir, "fire.yaml"), "utf8"), name);
    assert.ok(found.some((d) => d.rule === rule.name), `${rule.name}: no finding of its own`);
    assert.equal(render(found), readFileSync(join(dir, "fire.expected"), "utf8"), rule.name);
    const cleans = readdirSync(dir).filter((f) => f.startsWith("clean") && f.endsWith(".yaml"));
    assert.ok(cleans.length > 0, `${rule.name}: no clean fixture`);
    for (const clean of cleans) {
      const text = readFileSync(join(dir, clean), "utf8");
      assert.deepEqual(lint(text, `tests/rules/${rule.name}/${clean}`), [], `${rule.name}/${clean}`);
    }
  }
});

test("check() reports what the linter reports for a selector alone", () => {
  for (const sel of ["!all()", "a = 'x'", "app in (web, api)", 'env == "a" && env == "b"', 'app == "web"']) {
    const policy = `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: p\nspec:\n  selector: '${sel.replaceAll("'", "''")}'\n`;
    const linted = lint(policy).map((d) => [d.rule, d.severity, d.message]);
    const alone = wasm.check(sel).diagnostics.map((d) => [d.rule, d.severity, d.message]);
    assert.deepEqual(alone, linted, sel);
  }
});
