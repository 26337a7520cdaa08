// Cluster: the policy evaluator (selector-policy's eval) from JavaScript. Every scenario folder
// of the evaluator replays here with the verdicts, reasons and deciding policies its
// queries.txt expects (the Rust harness checks the same lines against the CLI's JSON).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { wasm, repoPath } from "./helpers.mjs";

const { Cluster } = wasm;
const SCENARIOS = repoPath("selector-policy/tests/scenarios");
const MASTER = "hostendpoint/kubeadm-master.eth0";

/** The manifests of a folder (or of the paths its inputs.txt lists), in name order, as one text. */
function manifests(folder) {
  const listed = join(folder, "inputs.txt");
  const dirs = existsSync(listed)
    ? readFileSync(listed, "utf8").split("\n").map((l) => l.trim()).filter(Boolean).map((p) => repoPath(p))
    : [folder];
  const texts = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort()) {
      texts.push(readFileSync(join(dir, name), "utf8"));
    }
  }
  return texts.join("\n---\n");
}

function queries(folder) {
  const out = [];
  readFileSync(join(folder, "queries.txt"), "utf8").split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const [lhs, rhs] = line.split("=>");
    const [from, to, flow] = lhs.trim().split(/\s+/);
    const [verdict, reason, deciding] = rhs.trim().split(/\s+/);
    const [protocol, port] = flow.split("/");
    const [policy, rule] = deciding === "-" ? [null, undefined] : deciding.split("#");
    out.push({ at: `${folder}/queries.txt:${i + 1}`, from, to, protocol, port: Number(port), verdict, reason, policy,
      rule: rule === undefined ? undefined : Number(rule) });
  });
  return out;
}

// Every reason and event an answer carries is one the generated TypeScript union declares.
const dts = readFileSync(new URL("../pkg-node/selector_wasm.d.ts", import.meta.url), "utf8");
const union = (field) => {
  const m = dts.match(new RegExp(`^ +${field}: ((?:"[a-z-]+"(?: \\| )?)+);`, "m"));
  assert.ok(m, field);
  return new Set([...m[1].matchAll(/"([a-z-]+)"/g)].map((x) => x[1]));
};
const REASONS = union("reason");
const EVENTS = union("event");

const folders = readdirSync(SCENARIOS).filter((n) => existsSync(join(SCENARIOS, n, "queries.txt"))).sort();

test("the scenario folders are there", () => {
  assert.ok(folders.length >= 20, String(folders.length));
});

for (const name of folders) {
  test(`scenario ${name}`, () => {
    const folder = join(SCENARIOS, name);
    const cluster = Cluster.fromYaml(manifests(folder), `${name}.yaml`);
    try {
      for (const q of queries(folder)) {
        const v = cluster.flow(q.from, q.to, q.port, q.protocol);
        const d = v.decided_by;
        assert.deepEqual([v.verdict, d.reason, d.policy], [q.verdict, q.reason, q.policy],
          `${q.at}\n${cluster.flowText(q.from, q.to, q.port, q.protocol)}`);
        if (q.rule !== undefined) assert.equal(d.rule, q.rule, q.at);
        assert.deepEqual(Object.keys(v).sort(), ["decided_by", "sides", "trace", "uncertain", "verdict"]);
        for (const dec of [d, v.sides.egress, v.sides.ingress].filter(Boolean)) assert.ok(REASONS.has(dec.reason), dec.reason);
        for (const e of v.trace) assert.ok(EVENTS.has(e.event), e.event);
        const last = v.trace.at(-1);
        assert.equal(last.event, "verdict");
        assert.equal(last.action, q.verdict === "allow" ? "Allow" : "Deny");
        // Traces name the file given to fromYaml and quote its lines.
        const text = manifests(folder).split("\n");
        for (const e of v.trace.filter((e) => e.line !== null)) {
          assert.equal(e.file, `${name}.yaml`);
          assert.equal(e.yaml, text[e.line - 1], `${q.at}: line ${e.line}`);
        }
      }
    } finally {
      cluster.free();
    }
  });
}

test("the seed's answer: the deny-list leaves 9091 open, the allow-list closes it", () => {
  const seed = (dir) => Cluster.fromYaml(manifests(repoPath(`examples/secure-prometheus/${dir}`)), `${dir}.yaml`);
  const deny = seed("deny-list").reach(MASTER, 9091);
  const allow = seed("allow-list").reach(MASTER, 9091);
  const external = (r) => r.sources.find((s) => s.source === "external");
  assert.equal(external(deny).verdict, "allow");
  assert.equal(external(allow).verdict, "deny");
  assert.match(deny.summary, /^reachable from/);
  assert.deepEqual([deny.to, deny.port, deny.protocol], [MASTER, 9091, "TCP"]);
  for (const s of allow.sources) {
    assert.ok(["allow", "deny"].includes(s.verdict));
    assert.ok(Array.isArray(s.ranges) && Array.isArray(s.uncertain));
  }
});

test("text methods are the CLI's human output; policies and endpoints", () => {
  const cluster = Cluster.fromYaml(manifests(repoPath("examples/secure-prometheus/deny-list")), "deny-list.yaml");
  const text = cluster.flowText("203.0.113.9", MASTER, 9093);
  assert.match(text, new RegExp(`^DENY 203\\.0\\.113\\.9 -> ${MASTER.replaceAll(".", "\\.")} TCP 9093\n`));
  assert.match(text, /deny-list\.yaml:\d+: - action: Deny/);
  assert.match(cluster.reachText(MASTER, 9091), /^who can reach/);
  assert.ok(cluster.endpoints.includes(MASTER), cluster.endpoints.join(" "));
  const p = cluster.policies(MASTER);
  assert.equal(p.endpoint, MASTER);
  const names = p.ingress.tiers.flatMap((t) => t.policies.map((x) => x.name));
  assert.ok(names.includes("restrict-calico-node-prometheus"), names.join(" "));
  assert.match(cluster.policiesText(MASTER), /^hostendpoint\/kubeadm-master\.eth0\ningress:/);
  // No protocol: tcp.
  assert.deepEqual(cluster.flow("203.0.113.9", MASTER, 9093), cluster.flow("203.0.113.9", MASTER, 9093, "tcp"));
});

test("errors: unknown references, bad ports and protocols, unloadable YAML", () => {
  const cluster = Cluster.fromYaml(manifests(repoPath("examples/secure-prometheus/allow-list")));
  const throwsQuery = (f, kind, pattern) =>
    assert.throws(f, (e) => e instanceof Error && e.name === "QueryError" && e.kind === kind && pattern.test(e.message));
  throwsQuery(() => cluster.flow("hostendpoint/nope", MASTER, 80), "unknown-reference", /hostendpoint\/nope/);
  throwsQuery(() => cluster.reach("pod/ns/ghost", 80), "unknown-reference", /pod\/ns\/ghost/);
  throwsQuery(() => cluster.policies("pod/ns/ghost"), "unknown-reference", /pod\/ns\/ghost/);
  throwsQuery(() => cluster.flow("not-a-ref", MASTER, 80), "bad-reference", /not-a-ref/);
  throwsQuery(() => cluster.flow("10.0.0.1", MASTER, 80, "gre"), "bad-protocol", /gre/);
  throwsQuery(() => cluster.flow("10.0.0.1", MASTER, 70000), "bad-port", /70000/);
  for (const bad of [-1, 1.5, NaN, Infinity]) {
    assert.throws(() => cluster.flow("10.0.0.1", MASTER, bad), RangeError, String(bad));
  }
  assert.throws(() => Cluster.fromYaml("- ".repeat(5000) + "x\n"),
    (e) => e.name === "LoadError" && Array.isArray(e.problems) && /nested/.test(e.message));
  assert.throws(() => Cluster.fromYaml("kind: [unclosed\n", "bad.yaml"),
    (e) => e.name === "LoadError" && /^bad\.yaml:2:1: invalid YAML/.test(e.problems[0]));
  assert.deepEqual(Cluster.fromYaml("").endpoints, []);
  // The module still works after every error.
  assert.equal(cluster.flow("172.15.0.101", MASTER, 9091).verdict, "allow");
});

test("the generated declarations type Cluster and its answers", () => {
  const dts = readFileSync(new URL("../pkg-node/selector_wasm.d.ts", import.meta.url), "utf8");
  for (const line of [
    "static fromYaml(yaml: string, filename?: string | null): Cluster;",
    "flow(from: string, to: string, port: number, protocol?: string | null): FlowVerdict;",
    "reach(to: string, port: number, protocol?: string | null): Reach;",
    "policies(endpoint: string): EndpointPolicies;",
    "readonly endpoints: string[];",
    "export interface FlowVerdict {",
    "export interface QueryError extends Error {",
  ]) {
    assert.ok(dts.includes(line), line);
  }
});
