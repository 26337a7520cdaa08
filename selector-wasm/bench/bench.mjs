// parse + matches per call from JavaScript (the `--target nodejs` build) on the shared
// workload, against the native figures measured in the same run by
// examples/bench_native.rs (best of `rounds` on both sides). Goal: within 3x of native.
//
//   node bench/bench.mjs [workload.json] [rounds]
// Default workload: ../shared/bench/workload.json relative to the repository root (or
// $SELECTOR_WORKLOAD). Set BENCH_NATIVE_JSON to a file with the native line to skip cargo.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

const require = createRequire(import.meta.url);
const wasm = require("../pkg-node/selector_wasm.js");
const repo = fileURLToPath(new URL("../../", import.meta.url));
const workloadPath = resolve(
  process.argv[2] ?? process.env.SELECTOR_WORKLOAD ?? `${repo}/../shared/bench/workload.json`,
);
const rounds = Number(process.argv[3] ?? 5);
if (!existsSync(workloadPath)) {
  console.error(`bench: no workload at ${workloadPath} (pass its path as the first argument)`);
  process.exit(2);
}
const { selectors, endpoints } = JSON.parse(readFileSync(workloadPath, "utf8"));
// Calico's own verdict count for this file (shared/bench/README.md).
const EXPECTED_MATCHES = 147_407;

// Times are the CPU time of this thread (Linux: /proc/thread-self/schedstat, in ns), so
// that other processes on a busy machine do not count; wall time elsewhere. The native
// example measures the same way.
const SCHEDSTAT = "/proc/thread-self/schedstat";
const cpuClock = existsSync(SCHEDSTAT);
function now() {
  if (cpuClock) return BigInt(readFileSync(SCHEDSTAT, "utf8").split(" ")[0]);
  return process.hrtime.bigint();
}
function nsSince(start) {
  return Number(now() - start);
}

/** Runs `body` until `ms` milliseconds have passed: V8 first runs WebAssembly in its baseline
 *  compiler and swaps in optimised code later (later still on a busy machine). */
function warm(body, ms = 1500) {
  const until = Date.now() + ms;
  while (Date.now() < until) body();
}

/** Nanoseconds per call of `calls` calls made by `body`: best of `rounds` runs, each run
 *  repeating `body` for at least 200 ms (the CPU clock advances in scheduler ticks). */
function measure(body, calls) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let repeats = 0;
    const start = now();
    let spent = 0;
    do {
      body();
      repeats++;
      spent = nsSince(start);
    } while (spent < 200e6);
    best = Math.min(best, spent / repeats / calls);
  }
  return best;
}

const parseAll = () => {
  for (const text of selectors) wasm.parse(text).free();
};
warm(parseAll);
const parseNs = measure(parseAll, selectors.length);

const parsed = selectors.map((text) => wasm.parse(text));
let matched = 0;
const matchAll = () => {
  matched = 0;
  for (const s of parsed) for (const labels of endpoints) if (s.matches(labels)) matched++;
};
warm(() => {
  for (const s of parsed.slice(0, 20)) for (const labels of endpoints) s.matches(labels);
});
const pairs = parsed.length * endpoints.length;
const matchNs = measure(matchAll, pairs);
const matchedFromObjects = matched;

const toSets = () => endpoints.map((labels) => new wasm.LabelSet(labels));
warm(() => toSets().forEach((set) => set.free()), 500);
const setNs = measure(() => toSets().forEach((set) => set.free()), endpoints.length);
const sets = toSets();
const matchSets = () => {
  matched = 0;
  for (const s of parsed) for (const set of sets) if (s.matchesSet(set)) matched++;
};
warm(() => {
  for (const s of parsed.slice(0, 20)) for (const set of sets) s.matchesSet(set);
});
const matchSetNs = measure(matchSets, pairs);
const matchedFromSets = matched;
for (const s of parsed) s.free();
for (const set of sets) set.free();

let native;
if (process.env.BENCH_NATIVE_JSON) {
  native = JSON.parse(readFileSync(process.env.BENCH_NATIVE_JSON, "utf8"));
} else {
  const out = execFileSync(
    "cargo",
    ["run", "--quiet", "--release", "-p", "selector-wasm", "--example", "bench_native", "--", workloadPath, String(rounds)],
    { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  native = JSON.parse(out.trim().split("\n").pop());
}

const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(1)} ns`);
const rows = [
  ["`parse` (canonical text + unique id)", parseNs, native.parse_ns],
  ["`matches(object)`, one pair", matchNs, native.match_ns],
  ["`matchesSet(LabelSet)`, one pair", matchSetNs, native.match_ns],
];
console.log(
  `workload: ${selectors.length} selectors x ${endpoints.length} endpoints, best of ${rounds} rounds, ` +
    `${cpuClock ? "thread CPU time" : "wall time"}`,
);
console.log("| per call | JS -> WebAssembly | native Rust | ratio |");
console.log("|---|---|---|---|");
for (const [name, js, nat] of rows) {
  console.log(`| ${name} | ${fmt(js)} | ${fmt(nat)} | ${(js / nat).toFixed(2)}x |`);
}
console.log(`\`new LabelSet(object)\`: ${fmt(setNs)} per endpoint (once per label set)`);
console.log(
  `matches: ${matchedFromObjects} (objects), ${matchedFromSets} (LabelSet), ${native.matched} native; Calico: ${EXPECTED_MATCHES}`,
);
if ([matchedFromObjects, matchedFromSets, native.matched].some((m) => m !== EXPECTED_MATCHES)) {
  console.error("bench: match count differs from Calico's");
  process.exit(1);
}
for (const [name, js, nat] of rows) {
  if (js / nat > 3) console.log(`note: ${name} is ${(js / nat).toFixed(2)}x native, above the 3x goal`);
}
