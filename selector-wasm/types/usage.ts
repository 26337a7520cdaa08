// Compiled with `tsc --noEmit -p types` (never run): every function and object of the
// package used the way the README shows, with exact types asserted, and misuses that
// must NOT compile marked `@ts-expect-error` (tsc fails if such a line compiles).
import {
  check,
  format,
  LabelSet,
  lintYaml,
  parse,
  tokens,
  type LintDiagnostic,
  type Severity,
  type CheckResult,
  type Explanation,
  type LabelRestriction,
  type Selector,
  type SelectorDiagnostic,
  type SelectorError,
  type Token,
  type TokenKind,
  type TokensResult,
} from "calico-selector-wasm";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

const selector: Selector = parse('app == "web" && !has(debug)');
const matched: boolean = selector.matches({ app: "web" });
const matchedMap: boolean = selector.matches(new Map([["app", "web"]]));
const canonical: string = selector.canonical;
const id: string = selector.uniqueId;
const source: string = selector.source;
const names: string[] = selector.labelNames();
const never: boolean = selector.restrictionsConflict();
const restrictions: Record<string, LabelRestriction> = selector.labelRestrictions();
const values: string[] | null | undefined = restrictions["app"]?.values;
const tree: Explanation = selector.explain({ app: "web" });
const childVerdicts: boolean[] = tree.children.map((c) => c.matched);
const treeSpan: [number, number, number, number] = [tree.start, tree.end, tree.byteStart, tree.byteEnd];
const text: string = `${selector}` + JSON.stringify(selector.toJSON());
selector.free();

// @ts-expect-error labels are strings, not numbers
selector.matches({ replicas: 3 });
// @ts-expect-error canonical is read-only
selector.canonical = "x";
// @ts-expect-error there is no public constructor
new (parse("").constructor as typeof import("calico-selector-wasm").Selector)();

try {
  parse("app = web");
} catch (e) {
  const err = e as SelectorError;
  const fields: [string, string | null, string, number, number, number, number, number, number] = [
    err.message,
    err.help,
    err.kind,
    err.start,
    err.end,
    err.byteStart,
    err.byteEnd,
    err.line,
    err.column,
  ];
  assertType<Equal<typeof err.name, "SelectorError">>();
  void fields;
}

const result: CheckResult = check("app == web");
if (result.ok) {
  const c: string = result.canonical;
  const u: string = result.uniqueId;
  // Warnings of a valid selector (e.g. `never-matches`).
  const warnings: string[] = result.diagnostics.map((d) => d.rule);
  void [c, u, warnings];
} else {
  const first: SelectorDiagnostic | undefined = result.diagnostics[0];
  const severity: "error" | "warning" | "info" | undefined = first?.severity;
  // @ts-expect-error no canonical text on failure
  void result.canonical;
  void severity;
}

const toks: TokensResult = tokens('a in {"x"}');
const kinds: TokenKind[] = toks.tokens.map((t: Token) => t.kind);
const errorStart: number | undefined = toks.error?.start;
// @ts-expect-error not a token kind
const bad: TokenKind = "whitespace";
const formatted: string = format("a==\"x\"");

assertType<Equal<ReturnType<typeof check>, CheckResult>>();
assertType<Equal<ReturnType<typeof parse>, Selector>>();

void [matched, matchedMap, canonical, id, source, names, never, values, childVerdicts, treeSpan, text];
void [kinds, errorStart, bad, formatted];

const set = new LabelSet({ app: "web" });
const fromMap = new LabelSet(new Map([["app", "web"]]));
const fast: boolean = parse("has(app)").matchesSet(set);
const value: string | undefined = set.get("app");
const size: number = set.size;
// @ts-expect-error a plain object is not a LabelSet
parse("has(app)").matchesSet({ app: "web" });
// @ts-expect-error label values are strings
new LabelSet({ replicas: 3 });
set.free();
fromMap.free();

const findings: LintDiagnostic[] = lintYaml("kind: GlobalNetworkPolicy\n", "policy.yaml");
const noName: LintDiagnostic[] = lintYaml("");
for (const f of findings) {
  const sev: Severity = f.severity;
  const where: [string, number, number, number, number] = [f.file, f.line, f.column, f.start, f.byteEnd];
  const rule: string = f.rule;
  const help: string | null = f.help;
  void [sev, where, rule, help];
}
// @ts-expect-error not a severity
const badSeverity: Severity = "fatal";
void [fast, value, size, noName, badSeverity];
