//! The policy evaluator for JavaScript: `Cluster.fromYaml(text)` and its `flow`, `reach` and
//! `policies` queries, which call `selector_policy::eval` and hand back its result types as
//! plain objects, the same JSON as `calico-selector flow|reach|policies --format json`.
//! The `*Text` methods return the CLI's human output (`selector_policy::eval::text`).
//! The TypeScript declarations are generated from here (the custom section below and the
//! `unchecked_return_type` of each query).

use selector_policy::eval::{self, text, QueryError, Ref};
use selector_policy::SourceFile;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{panic_hook, to_js};

#[wasm_bindgen(typescript_custom_section)]
const CLUSTER_TS: &'static str = r#"
/** Where and why a side (or the whole flow) was decided. */
export interface Decision {
  /** `hostendpoint/NAME` or `pod/NAMESPACE/NAME`; `null` for none. */
  endpoint: string | null;
  direction: "ingress" | "egress" | null;
  reason: "rule" | "end-of-tier" | "profile" | "no-profile" | "failsafe" | "endpoint-to-host" | "not-managed" | "encap-drop";
  tier: string | null;
  /** The deciding policy or profile. */
  policy: string | null;
  kind: string | null;
  namespace: string | null;
  /** 0-based index of the deciding rule in that direction's rule list. */
  rule: number | null;
  /** `"Allow"` or `"Deny"`. */
  action: string | null;
}

/** One step of a flow's trace. */
export interface TraceEntry {
  /** `egress` at the source, `ingress` at the destination, `null` for the flow's verdict. */
  side: "ingress" | "egress" | null;
  endpoint: string | null;
  event: "side" | "failsafe" | "stage" | "tier" | "policy" | "staged" | "rule" | "pass" | "end-of-tier" | "profile" | "special" | "verdict";
  tier: string | null;
  policy: string | null;
  kind: string | null;
  namespace: string | null;
  rule: number | null;
  /** The rule's action or the verdict (`Allow`, `Deny`, `Pass`, `Log`). */
  action: string | null;
  /** For a rule: whether it matched. */
  matched: boolean | null;
  /** For a rule that did not match: the field that failed (`protocol`, `destination.ports`, ...). */
  failed: string | null;
  /** A readable sentence. */
  message: string;
  /** File of the rule or resource (the `filename` given to `fromYaml`). */
  file: string | null;
  /** 1-based line in that file. */
  line: number | null;
  /** That line's text. */
  yaml: string | null;
}

/** The answer to {@link Cluster.flow}. */
export interface FlowVerdict {
  verdict: "allow" | "deny";
  /** The side that denied (source egress first), else the destination's ingress when managed, else the source's egress. */
  decided_by: Decision;
  /** Each side; `null` when that end is not Calico-managed. */
  sides: { egress: Decision | null; ingress: Decision | null };
  /** Every step, in order; the last is the flow's verdict. */
  trace: TraceEntry[];
  /** Points the evaluator could not settle. */
  uncertain: string[];
}

/** One source of a {@link Reach} answer. */
export interface ReachSource {
  /** `hostendpoint/NAME`, `pod/NS/NAME`, `globalnetworkset/NAME`, `networkset/NS/NAME` or `external`. */
  source: string;
  /** The address ranges this entry stands for (network sets and `external`). */
  ranges: string[];
  /** The address the flow was evaluated from. */
  address: string | null;
  verdict: "allow" | "deny";
  decided_by: Decision;
  uncertain: string[];
}

/** The answer to {@link Cluster.reach}: every source the input knows. */
export interface Reach {
  to: string;
  port: number;
  protocol: string;
  sources: ReachSource[];
  /** `reachable from: ...`. */
  summary: string;
}

/** One policy applying to an endpoint. */
export interface AppliedPolicy {
  name: string;
  kind: string;
  namespace: string | null;
  /** `null`: after every ordered policy. */
  order: number | null;
  /** Staged: selects, never decides. */
  staged: boolean;
  stage: "normal" | "untracked" | "pre-dnat";
  /** Number of rules in this direction. */
  rules: number;
  /** `file:line` of the resource. */
  location: string | null;
}

/** The policies of one tier, in evaluation order. */
export interface TierPolicies {
  tier: string;
  order: number | null;
  default_action: "Deny" | "Pass";
  policies: AppliedPolicy[];
}

/** One direction of {@link EndpointPolicies}. */
export interface DirectionPolicies {
  tiers: TierPolicies[];
  /** Profiles in order; a missing one (`exists: false`) drops everything. */
  profiles: { name: string; exists: boolean }[];
}

/** The answer to {@link Cluster.policies} (`calicoq endpoint`, offline). */
export interface EndpointPolicies {
  endpoint: string;
  ingress: DirectionPolicies;
  egress: DirectionPolicies;
}

/** Thrown by the queries: an `Error` named `"QueryError"` (bad or unknown reference, protocol or port). */
export interface QueryError extends Error {
  name: "QueryError";
  kind: "bad-reference" | "unknown-reference" | "bad-protocol" | "no-common-family" | "bad-port";
}

/** Thrown by {@link Cluster.fromYaml}: an `Error` named `"LoadError"`, one line per problem. */
export interface LoadError extends Error {
  name: "LoadError";
  problems: string[];
}
"#;

/// Calico resources loaded once, ready for `flow`, `reach` and `policies` queries. References
/// are `hostendpoint/NAME`, `pod/NAMESPACE/NAME` or an IP address. Call `free()` when done.
#[wasm_bindgen]
pub struct Cluster {
    inner: eval::Cluster,
}

/// A JS `Error` with a name and extra fields.
fn js_error<T: Serialize>(name: &str, message: &str, fields: &T) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    if let Ok(fields) = to_js(fields) {
        if let Some(fields) = fields.dyn_ref::<js_sys::Object>() {
            js_sys::Object::assign(&error, fields);
        }
    }
    error.into()
}

fn query_error(e: &QueryError) -> JsValue {
    #[derive(Serialize)]
    struct Fields<'a> {
        kind: &'a eval::QueryErrorKind,
    }
    js_error("QueryError", &e.message, &Fields { kind: &e.kind })
}

fn load_error(message: &str, problems: Vec<String>) -> JsValue {
    #[derive(Serialize)]
    struct Fields {
        problems: Vec<String>,
    }
    js_error("LoadError", message, &Fields { problems })
}

fn reference(s: &str) -> Result<Ref, JsValue> {
    Ref::parse(s).map_err(|e| query_error(&e))
}

/// A JS number as the evaluator's port: it checks the range; a negative, fractional or
/// non-finite number is refused here (wasm-bindgen's `u32` would wrap it silently).
fn port(n: f64) -> Result<u32, JsValue> {
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) {
        // In range and integral: the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(n as u32)
    } else {
        let e = js_sys::RangeError::new(&format!("port must be a non-negative integer, not {n}"));
        Err(e.into())
    }
}

#[wasm_bindgen]
impl Cluster {
    /// Loads the text of one YAML or JSON file of Calico resources (documents apply in
    /// order). `filename` names it in traces (`<input>` when omitted). Throws a `LoadError`
    /// when the manifests cannot be evaluated.
    #[wasm_bindgen(js_name = fromYaml)]
    pub fn from_yaml(yaml: &str, filename: Option<String>) -> Result<Cluster, JsValue> {
        panic_hook();
        let name = filename.unwrap_or_else(|| "<input>".to_owned());
        eval::Cluster::from_files(&[SourceFile::new(name, yaml)])
            .map(|inner| Cluster { inner })
            .map_err(|e| load_error(&e.to_string(), e.problems))
    }

    /// The verdict and trace of traffic from `from` to `to` on `port` (the ICMP type for
    /// ICMP); `protocol` defaults to `tcp`. Throws a `QueryError`.
    #[wasm_bindgen(unchecked_return_type = "FlowVerdict")]
    pub fn flow(
        &self,
        from: &str,
        to: &str,
        port: f64,
        protocol: Option<String>,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.flow_verdict(from, to, port, protocol)?)
    }

    /// `flow` as the CLI prints it: the verdict, the deciding rule, the trace.
    #[wasm_bindgen(js_name = flowText)]
    pub fn flow_text(
        &self,
        from: &str,
        to: &str,
        port: f64,
        protocol: Option<String>,
    ) -> Result<String, JsValue> {
        Ok(text::flow(&self.flow_verdict(from, to, port, protocol)?))
    }

    /// Every source the input knows, with its verdict towards `to` on `port`. Throws a
    /// `QueryError`.
    #[wasm_bindgen(unchecked_return_type = "Reach")]
    pub fn reach(&self, to: &str, port: f64, protocol: Option<String>) -> Result<JsValue, JsValue> {
        to_js(&self.reach_answer(to, port, protocol)?)
    }

    /// `reach` as the CLI prints it.
    #[wasm_bindgen(js_name = reachText)]
    pub fn reach_text(
        &self,
        to: &str,
        port: f64,
        protocol: Option<String>,
    ) -> Result<String, JsValue> {
        Ok(text::reach(&self.reach_answer(to, port, protocol)?))
    }

    /// The tiers, policies and profiles that apply to `endpoint`, per direction, in
    /// evaluation order. Throws a `QueryError`.
    #[wasm_bindgen(unchecked_return_type = "EndpointPolicies")]
    pub fn policies(&self, endpoint: &str) -> Result<JsValue, JsValue> {
        to_js(&self.policies_answer(endpoint)?)
    }

    /// `policies` as the CLI prints it.
    #[wasm_bindgen(js_name = policiesText)]
    pub fn policies_text(&self, endpoint: &str) -> Result<String, JsValue> {
        Ok(text::policies(&self.policies_answer(endpoint)?))
    }

    /// The endpoints of the input (`hostendpoint/NAME`, `pod/NAMESPACE/NAME`), in input order.
    #[wasm_bindgen(getter)]
    pub fn endpoints(&self) -> Vec<String> {
        self.inner
            .ir()
            .endpoints
            .iter()
            .map(|e| e.reference())
            .collect()
    }

    /// Facts assumed while loading (Kubernetes defaults, skipped resources).
    #[wasm_bindgen(getter)]
    pub fn notes(&self) -> Vec<String> {
        self.inner.notes().to_vec()
    }
}

impl Cluster {
    fn flow_verdict(
        &self,
        from: &str,
        to: &str,
        port_number: f64,
        protocol: Option<String>,
    ) -> Result<eval::FlowVerdict, JsValue> {
        panic_hook();
        let (from, to, port) = (reference(from)?, reference(to)?, port(port_number)?);
        self.inner
            .flow(&from, &to, port, protocol.as_deref().unwrap_or("tcp"))
            .map_err(|e| query_error(&e))
    }

    fn reach_answer(
        &self,
        to: &str,
        port_number: f64,
        protocol: Option<String>,
    ) -> Result<eval::Reach, JsValue> {
        panic_hook();
        let (to, port) = (reference(to)?, port(port_number)?);
        self.inner
            .reach(&to, port, protocol.as_deref().unwrap_or("tcp"))
            .map_err(|e| query_error(&e))
    }

    fn policies_answer(&self, endpoint: &str) -> Result<eval::Applicable, JsValue> {
        panic_hook();
        self.inner
            .policies(&reference(endpoint)?)
            .map_err(|e| query_error(&e))
    }
}
