//! The offline policy evaluator (issue 14): what the manifests actually allow.
//!
//! Stages, one file each: [`ir`] (the resolved form), [`lower`] (model to IR), [`matching`]
//! (one rule against one packet), [`flow`] (one direction at one endpoint, POLICY.md 5),
//! [`query`] (the [`Cluster`] API, flows per POLICY.md 6), [`reach`] (POLICY.md 6.7),
//! [`trace`] (result types), [`text`] (human rendering shared by the CLI and the bindings).
//!
//! Choices where Calico's behaviour is not settled (each reported in `uncertain` when met):
//! - `services` in a rule: Service endpoints (EndpointSlices) are not in the input, so the
//!   rule is treated as not matching.
//! - `http` in a rule: evaluated as if absent (the L3/L4 dataplane ignores it).
//! - `source.ports`/`source.notPorts`: a flow has no known source port; such rules do not match.
//! - A host endpoint without `expectedIPs`: its address is unknown; rules' nets and selectors
//!   do not match it (POLICY.md 9.38).
//! - `defaultEndpointToHostAction: Return`: the host endpoint's ingress policy is evaluated.
//! - ICMP flows: `--port` is the ICMP type, the code is taken as 0.
//! - Forwarded pod traffic through host interfaces (`applyOnForward`) is not modelled.
//!
//! Fixed semantics (not doubts): traffic to or from a host endpoint is the host's own
//! processes; host to a pod on the same node is always allowed; a pod to its own host meets
//! `defaultEndpointToHostAction` (Felix default `Drop`); a pod's UDP to the VXLAN port and
//! IPIP packets are dropped before policy unless allowed by FelixConfiguration.

pub mod findings;
pub mod flow;
pub mod ir;
pub mod lower;
pub mod matching;
pub mod query;
pub mod reach;
pub mod text;
pub mod trace;

pub use lower::LoadError;
pub use query::{parse_protocol, Applicable, Cluster, QueryError, QueryErrorKind, Ref};
pub use reach::{Reach, ReachSource};
pub use trace::{Decision, Event, FlowVerdict, Reason, Sides, TraceEntry, Verdict};

/// The lint rules built on the evaluator (their files are in `crate::rules`); the registry
/// lists them after the others.
pub static RULES: &[&crate::registry::Rule] = &[
    &crate::rules::host_endpoint_lockout::RULE,
    &crate::rules::shadowed_rule::RULE,
    &crate::rules::not_selector_admits_internet::RULE,
    &crate::rules::deny_only_policy::RULE,
    &crate::rules::staged_verdict_change::RULE,
];
