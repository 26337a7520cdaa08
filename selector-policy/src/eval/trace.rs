//! The result types of a flow query: decisions, trace entries, the verdict. They serialize
//! to the JSON of `calico-selector flow --format json` (documented in selector-cli/README.md).

use std::sync::Arc;

use serde::Serialize;

use super::ir::{Dir, Loc};

/// Why a side or a flow was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A policy rule matched.
    Rule,
    /// A tier with an enforced applicable policy ended without a verdict (`defaultAction: Deny`).
    EndOfTier,
    /// A profile rule matched.
    Profile,
    /// No profile allowed (or a listed profile does not exist).
    NoProfile,
    /// A failsafe port (host endpoints).
    Failsafe,
    /// `defaultEndpointToHostAction` (pod to its own host).
    EndpointToHost,
    /// This end is not policed for this flow.
    NotManaged,
    /// Felix drops VXLAN/IPIP packets sent by pods before any policy.
    EncapDrop,
}

/// One deciding step: where and why a side (or the flow) was decided.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    /// The endpoint reference (`hostendpoint/NAME`, `pod/NS/NAME`), `null` for none.
    pub endpoint: Option<String>,
    /// The direction at that endpoint.
    pub direction: Option<Dir>,
    /// Why.
    pub reason: Reason,
    /// The tier of the deciding policy.
    pub tier: Option<String>,
    /// The deciding policy or profile name.
    pub policy: Option<String>,
    /// Its kind (`GlobalNetworkPolicy`, `NetworkPolicy`, `KubernetesNetworkPolicy`, `Profile`).
    pub kind: Option<String>,
    /// Its namespace.
    pub namespace: Option<String>,
    /// 0-based index of the deciding rule in that direction's rule list.
    pub rule: Option<usize>,
    /// `Allow` or `Deny`.
    pub action: Option<String>,
    /// Where the deciding rule (or policy) is written.
    #[serde(skip)]
    pub loc: Option<Loc>,
}

impl Decision {
    /// Whether this decision lets the packet through.
    pub fn allows(&self) -> bool {
        self.action.as_deref() == Some("Allow")
    }

    pub(crate) fn bare(
        endpoint: Option<String>,
        direction: Option<Dir>,
        reason: Reason,
        allow: bool,
    ) -> Decision {
        Decision {
            endpoint,
            direction,
            reason,
            tier: None,
            policy: None,
            kind: None,
            namespace: None,
            rule: None,
            action: Some(if allow { "Allow" } else { "Deny" }.to_string()),
            loc: None,
        }
    }
}

/// What a trace step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// The side starts (endpoint, direction).
    Side,
    /// Failsafe ports checked.
    Failsafe,
    /// A pipeline stage of a host endpoint starts (`untracked`, `pre-dnat`, `normal`).
    Stage,
    /// A tier starts.
    Tier,
    /// A policy starts.
    Policy,
    /// A staged policy is skipped (it selects, never decides).
    Staged,
    /// A rule was tried.
    Rule,
    /// A Pass rule ended the tier.
    Pass,
    /// The tier ended without a verdict.
    EndOfTier,
    /// A profile.
    Profile,
    /// A pre-policy step (encapsulation drop, endpoint-to-host, host to local pod).
    Special,
    /// The side's or flow's verdict.
    Verdict,
}

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEntry {
    /// `egress` (at the source) or `ingress` (at the destination); `null` for the flow's verdict.
    pub side: Option<Dir>,
    /// The endpoint whose side this is.
    pub endpoint: Option<String>,
    /// What happened.
    pub event: Event,
    /// Tier name.
    pub tier: Option<Arc<str>>,
    /// Policy or profile name.
    pub policy: Option<Arc<str>>,
    /// Policy kind.
    pub kind: Option<Arc<str>>,
    /// Policy namespace.
    pub namespace: Option<Arc<str>>,
    /// 0-based rule index.
    pub rule: Option<usize>,
    /// The rule's action, or the verdict (`Allow`, `Deny`, `Pass`, `Log`).
    pub action: Option<&'static str>,
    /// For a rule: whether it matched.
    pub matched: Option<bool>,
    /// For a rule that did not match: the field that failed (`protocol`, `destination.ports`, ...).
    pub failed: Option<String>,
    /// A readable sentence.
    pub message: String,
    /// File of the rule or resource.
    pub file: Option<Arc<str>>,
    /// 1-based line in that file.
    pub line: Option<usize>,
    /// That line's text.
    pub yaml: Option<Arc<str>>,
}

impl TraceEntry {
    pub(crate) fn new(
        side: Option<Dir>,
        endpoint: Option<&str>,
        event: Event,
        message: String,
    ) -> TraceEntry {
        TraceEntry {
            side,
            endpoint: endpoint.map(str::to_string),
            event,
            tier: None,
            policy: None,
            kind: None,
            namespace: None,
            rule: None,
            action: None,
            matched: None,
            failed: None,
            message,
            file: None,
            line: None,
            yaml: None,
        }
    }

    /// The entry naming where `d` was decided: its policy, rule and source location.
    pub(crate) fn decided_by(mut self, d: &Decision) -> TraceEntry {
        self.tier = d.tier.as_deref().map(Arc::from);
        self.policy = d.policy.as_deref().map(Arc::from);
        self.kind = d.kind.as_deref().map(Arc::from);
        self.namespace = d.namespace.as_deref().map(Arc::from);
        self.rule = d.rule;
        self.at(d.loc.as_ref())
    }

    pub(crate) fn at(mut self, loc: Option<&Loc>) -> TraceEntry {
        if let Some(l) = loc {
            self.file = Some(l.file.clone());
            self.line = Some(l.line);
            self.yaml = Some(l.text.clone());
        }
        self
    }
}

/// `allow` or `deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The flow is allowed.
    Allow,
    /// The flow is dropped.
    Deny,
}

/// The decision of each side; `null` when that end is not Calico-managed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sides {
    /// The source's egress.
    pub egress: Option<Decision>,
    /// The destination's ingress.
    pub ingress: Option<Decision>,
}

/// The answer to one flow query.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowVerdict {
    /// The verdict.
    pub verdict: Verdict,
    /// The deciding side: the one that denied (source egress first), else the destination's
    /// ingress when managed, else the source's egress.
    pub decided_by: Decision,
    /// Each side.
    pub sides: Sides,
    /// Every step, in order.
    pub trace: Vec<TraceEntry>,
    /// Points the evaluator could not settle (see the module doc).
    pub uncertain: Vec<String>,
    /// The flow as asked (for human output).
    #[serde(skip)]
    pub query: FlowQuery,
}

/// The flow as asked, resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowQuery {
    /// Source as written.
    pub from: String,
    /// Destination as written.
    pub to: String,
    /// Port (ICMP type for ICMP).
    pub port: u16,
    /// Protocol name.
    pub protocol: String,
}
