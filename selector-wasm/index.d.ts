// Type declarations for calico-selector-wasm (hand-written: the functions return plain
// objects built by serde, which wasm-bindgen cannot describe). Checked by `tsc --noEmit`
// on types/usage.ts, and against the module's real exports by tests/exports.test.mjs.
//
// Offsets: `start`/`end` count UTF-16 code units (index a JS string, or pass them to
// `setSelectionRange`); `byteStart`/`byteEnd` count UTF-8 bytes (what Rust and the CLI use).

/** A range in the input, in UTF-16 code units and in UTF-8 bytes; `end` is exclusive. */
export interface Span {
  /** First UTF-16 code unit. */
  start: number;
  /** One past the last UTF-16 code unit. */
  end: number;
  /** First UTF-8 byte. */
  byteStart: number;
  /** One past the last UTF-8 byte. */
  byteEnd: number;
}

/**
 * What went wrong in a selector. Stable snake_case names, e.g. `"unquoted_value"`;
 * new kinds may be added, so keep a default branch when switching on it.
 */
export type ErrorKind = string;

/** The fields of a selector syntax error. */
export interface SelectorErrorInfo extends Span {
  /** What is wrong: lowercase, user input in backticks. */
  message: string;
  /** How to fix it, when there is a common fix (`=` → `==`, unquoted value → quote it, ...). */
  help: string | null;
  /** Stable kind of the error. */
  kind: ErrorKind;
  /** 1-based line of `start`. */
  line: number;
  /** 1-based column of `start`, counted in Unicode scalar values. */
  column: number;
}

/** Thrown by {@link parse} and {@link format}: an `Error` named `"SelectorError"`. */
export interface SelectorError extends Error, SelectorErrorInfo {
  name: "SelectorError";
  message: string;
}

/** One finding of {@link check}: what the linter's single-selector rules report. */
export interface SelectorDiagnostic extends Omit<SelectorErrorInfo, "kind"> {
  /** Stable rule id, e.g. `"selector-syntax"`, `"never-matches"`. */
  rule: string;
  severity: Severity;
  /** The parse error's kind, for the finding that is the parse error itself; else `null`. */
  kind: ErrorKind | null;
}

/** The result of {@link check}. */
export type CheckResult =
  | { ok: true; canonical: string; uniqueId: string; diagnostics: SelectorDiagnostic[] }
  | { ok: false; diagnostics: SelectorDiagnostic[] };

/** Token kinds, for syntax highlighting. `operator` covers `==`, `!=`, `contains`,
 *  `starts with`, `ends with`, `in`, `not in`; `function` covers `has`, `all`, `global`. */
export type TokenKind =
  | "label"
  | "string"
  | "operator"
  | "function"
  | "not"
  | "and"
  | "or"
  | "lparen"
  | "rparen"
  | "lbrace"
  | "rbrace"
  | "comma";

/** One token; whitespace is not a token. */
export interface Token extends Span {
  kind: TokenKind;
}

/** The result of {@link tokens}: the tokens up to the first error, and that error. */
export interface TokensResult {
  tokens: Token[];
  error: SelectorErrorInfo | null;
}

/** What any label set matching a selector must satisfy for one label. */
export interface LabelRestriction {
  /** The label must be present. */
  present: boolean;
  /** The label must be absent. */
  absent: boolean;
  /** The value must be one of these (sorted, distinct); `null` when unrestricted,
   *  `[]` when no value can match. */
  values: string[] | null;
}

/** Why a selector (or one of its sub-expressions) is true or false on a label set. */
export interface Explanation extends Span {
  /** Canonical text of this sub-expression. */
  text: string;
  /** Its verdict on the labels. */
  matched: boolean;
  /** Its operands, in source order (empty for a comparison). */
  children: Explanation[];
}

/** Labels to match: a plain object or a `Map`, label name to value. A label the selector
 *  reads must be a string or absent (`undefined`); anything else throws a `TypeError`. */
export type Labels = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

/** A parsed selector. Immutable. Call {@link Selector.free} to release it early. */
export class Selector {
  private constructor();
  /** Calico's canonical text, e.g. `(app == "web" && !has(debug))`. */
  readonly canonical: string;
  /** Calico's unique id: `s:` + base64url(SHA-224(`s:` + canonical)). */
  readonly uniqueId: string;
  /** The text as given to {@link parse}. */
  readonly source: string;
  /** Whether the selector matches the labels. Throws a `TypeError` on non-string values. */
  matches(labels: Labels): boolean;
  /** Whether the selector matches a prepared {@link LabelSet}: the fast path for matching
   *  many selectors against the same labels (no JS object is read). */
  matchesSet(labels: LabelSet): boolean;
  /** Why it matches or not. Throws like {@link Selector.matches}. */
  explain(labels: Labels): Explanation;
  /** Label name → restriction, as Calico computes them for indexing. */
  labelRestrictions(): Record<string, LabelRestriction>;
  /** The distinct label names the selector reads, sorted. */
  labelNames(): string[];
  /** Whether the restrictions show that no label set can match. */
  canNeverMatch(): boolean;
  /** The canonical text. */
  toString(): string;
  /** The canonical text (`JSON.stringify` writes a selector as its text). */
  toJSON(): string;
  /** Releases the Rust memory now; the object must not be used afterwards. */
  free(): void;
  /** Same as {@link Selector.free}, for `using` declarations. */
  [Symbol.dispose](): void;
}

/** Labels copied once into WebAssembly memory, for {@link Selector.matchesSet}. */
export class LabelSet {
  /** Copies a plain object or `Map`; throws a `TypeError` unless every name and value is a string. */
  constructor(labels: Labels);
  /** The value of a label, or `undefined` when absent. */
  get(name: string): string | undefined;
  /** The number of labels. */
  readonly size: number;
  /** Releases the Rust memory now; the object must not be used afterwards. */
  free(): void;
  /** Same as {@link LabelSet.free}, for `using` declarations. */
  [Symbol.dispose](): void;
}

/** How serious a lint finding is. */
export type Severity = "error" | "warning" | "info";

/** One finding of {@link lintYaml}; the span is in the YAML text. */
export interface LintDiagnostic extends Span {
  /** Stable rule id, e.g. `"selector-syntax"`, `"k8s-selector-syntax"`, `"duplicate-resource"`. */
  rule: string;
  severity: Severity;
  /** What is wrong. */
  message: string;
  /** What to do about it, when known. */
  help: string | null;
  /** The file name passed to {@link lintYaml}, or `"<input>"`. */
  file: string;
  /** 1-based line of `start`. */
  line: number;
  /** 1-based column of `start`, counted in Unicode scalar values. */
  column: number;
}

/** Parses a selector; throws a {@link SelectorError} if it is not valid. */
export function parse(text: string): Selector;

/** Validates a selector; never throws. */
export function check(text: string): CheckResult;

/** Tokens for syntax highlighting, also for invalid text (up to the first error). */
export function tokens(text: string): TokensResult;

/** The canonical text of a selector; throws a {@link SelectorError} if it is not valid. */
export function format(text: string): string;

/**
 * Lints a Calico policy file (YAML or JSON, any number of documents) with every rule that
 * fits one file, as `calico-selector lint` does. Never throws.
 * @param yamlText the file's text
 * @param filename names the file in the diagnostics (default `"<input>"`)
 */
export function lintYaml(yamlText: string, filename?: string): LintDiagnostic[];
