// Compiled with `tsc --noEmit -p types` (never run): Cluster as declared by wasm-bindgen from
// Rust (selector-wasm/src/cluster.rs), with exact types asserted and misuses that must NOT
// compile marked `@ts-expect-error`.
import {
  Cluster,
  type Decision,
  type EndpointPolicies,
  type FlowVerdict,
  type QueryError,
  type Reach,
  type TraceEntry,
} from "../pkg-node/selector_wasm.js";

const cluster: Cluster = Cluster.fromYaml("kind: HostEndpoint\n", "hosts.yaml");
const v: FlowVerdict = cluster.flow("10.0.0.1", "hostendpoint/h", 9091);
const verdict: "allow" | "deny" = v.verdict;
const deciding: Decision = v.decided_by;
const rule: number | null = deciding.rule;
const ingress: Decision | null = v.sides.ingress;
const steps: TraceEntry[] = v.trace;
const line: number | null = steps[0].line;
const udp: FlowVerdict = cluster.flow("10.0.0.1", "hostendpoint/h", 53, "udp");
const text: string = cluster.flowText("10.0.0.1", "hostendpoint/h", 9091);
const reach: Reach = cluster.reach("hostendpoint/h", 9091);
const from: string[] = reach.sources.map((s) => `${s.source} ${s.verdict} ${s.decided_by.reason}`);
const policies: EndpointPolicies = cluster.policies("hostendpoint/h");
const staged: boolean[] = policies.ingress.tiers.flatMap((t) => t.policies.map((p) => p.staged));
const endpoints: string[] = cluster.endpoints;
try {
  cluster.flow("hostendpoint/nope", "10.0.0.1", 80);
} catch (e) {
  const q = e as QueryError;
  const kind: QueryError["kind"] = q.kind;
  void kind;
}
// @ts-expect-error the port is a number
cluster.flow("10.0.0.1", "hostendpoint/h", "9091");
// @ts-expect-error a verdict is allow or deny
const wrong: "accept" = v.verdict;
cluster.free();
void [verdict, rule, ingress, line, udp, text, from, staged, endpoints, wrong];
