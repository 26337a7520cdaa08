//! Calico's own validation (POLICY.md section 8), as lint findings at the value's position.
//!
//! Decoding problems (unknown fields, wrong JSON types, repeated keys) are found while the
//! typed model is read ([`crate::model::read`]); the rules here turn them, and every check of
//! Calico's validator and CRD schema, into diagnostics with a help that says what to write.
//! Each rule is one file under `src/rules/` with its documentation; [`RULES`] lists them and
//! [`validate`] runs them. Where Calico versions differ, HEAD is followed (POLICY.md 3.4).
//! The last four rules are the advisory warnings of POLICY.md 8 (valid but suspicious).

pub mod names;
pub mod suggest;

#[path = "../rules/duplicate_key.rs"]
pub mod duplicate_key;
#[path = "../rules/host_endpoint_peer_without_ips.rs"]
pub mod host_endpoint_peer_without_ips;
#[path = "../rules/icmp_without_protocol.rs"]
pub mod icmp_without_protocol;
#[path = "../rules/invalid_name.rs"]
pub mod invalid_name;
#[path = "../rules/invalid_net.rs"]
pub mod invalid_net;
#[path = "../rules/invalid_port.rs"]
pub mod invalid_port;
#[path = "../rules/invalid_protocol.rs"]
pub mod invalid_protocol;
#[path = "../rules/invalid_type.rs"]
pub mod invalid_type;
#[path = "../rules/invalid_value.rs"]
pub mod invalid_value;
#[path = "../rules/missing_field.rs"]
pub mod missing_field;
#[path = "../rules/namespace_scope.rs"]
pub mod namespace_scope;
#[path = "../rules/policy_flag_conflict.rs"]
pub mod policy_flag_conflict;
#[path = "../rules/policy_types.rs"]
pub mod policy_types;
#[path = "../rules/rule_selector_all.rs"]
pub mod rule_selector_all;
#[path = "../rules/selector_too_long.rs"]
pub mod selector_too_long;
#[path = "../rules/unknown_field.rs"]
pub mod unknown_field;
#[path = "../rules/unknown_kind.rs"]
pub mod unknown_kind;
#[path = "../rules/unknown_tier.rs"]
pub mod unknown_tier;
#[path = "../rules/unordered_policy.rs"]
pub mod unordered_policy;
#[path = "../rules/unsupported_resource.rs"]
pub mod unsupported_resource;

use std::ops::Range;

use crate::diag::Diagnostic;
use crate::model::spec::{rules_of, RuleSpec, Spec};
use crate::registry::Rule;
use crate::resource::{Direction, Resource};
use crate::source::SourceFile;

/// Every validation rule, in the order of the documentation.
pub static RULES: &[&Rule] = &[
    &unknown_kind::UNKNOWN_KIND,
    &unknown_field::UNKNOWN_FIELD,
    &duplicate_key::DUPLICATE_KEY,
    &invalid_type::INVALID_TYPE,
    &missing_field::MISSING_FIELD,
    &invalid_name::INVALID_NAME,
    &namespace_scope::NAMESPACE_SCOPE,
    &invalid_value::INVALID_VALUE,
    &invalid_protocol::INVALID_PROTOCOL,
    &icmp_without_protocol::ICMP_WITHOUT_PROTOCOL,
    &invalid_port::INVALID_PORT,
    &invalid_net::INVALID_NET,
    &selector_too_long::SELECTOR_TOO_LONG,
    &policy_flag_conflict::POLICY_FLAG_CONFLICT,
    &unknown_tier::UNKNOWN_TIER,
    &unsupported_resource::UNSUPPORTED_RESOURCE,
    &policy_types::POLICY_TYPES,
    &unordered_policy::UNORDERED_POLICY,
    &rule_selector_all::RULE_SELECTOR_ALL,
    &host_endpoint_peer_without_ips::HOST_ENDPOINT_PEER_WITHOUT_IPS,
];

/// A diagnostic of `rule` (its id and default severity) at `span` of `file`.
/// The span is kept inside the file.
pub fn diagnostic(
    rule: &'static Rule,
    file: &SourceFile,
    span: Range<usize>,
    message: impl Into<String>,
    help: Option<String>,
) -> Diagnostic {
    let start = span.start.min(file.text.len());
    let end = span.end.clamp(start, file.text.len());
    Diagnostic::new(rule, file, start..end, message, help)
}

/// What the rules see: the input and the findings so far.
pub struct Ctx<'a> {
    /// The files of the input.
    pub files: &'a [SourceFile],
    /// Every resource read from them.
    pub resources: &'a [Resource],
    out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// Reports a finding of `rule` in the file of `res`.
    pub fn report(
        &mut self,
        rule: &'static Rule,
        res: &Resource,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<Option<String>>,
    ) {
        if let Some(file) = self.files.get(res.file) {
            self.out
                .push(diagnostic(rule, file, span, message, help.into()));
        }
    }

    /// Reports a finding of `rule` in file `file`.
    pub fn report_in(
        &mut self,
        rule: &'static Rule,
        file: usize,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        if let Some(f) = self.files.get(file) {
            self.out.push(diagnostic(rule, f, span, message, help));
        }
    }
}

/// One rule of a policy or profile with where it sits.
pub struct RuleAt<'a> {
    /// Ingress or egress.
    pub direction: Direction,
    /// Index in its list.
    pub index: usize,
    /// The rule.
    pub rule: &'a RuleSpec,
}

impl RuleAt<'_> {
    /// `ingress[0]`.
    pub fn path(&self) -> String {
        format!("{}[{}]", self.direction.name(), self.index)
    }
}

/// The rules of a policy or profile, ingress then egress.
pub fn rules_of_resource(res: &Resource) -> Vec<RuleAt<'_>> {
    let (ingress, egress) = match &res.spec {
        Spec::Policy(p) => (&p.ingress, &p.egress),
        Spec::Profile(p) => (&p.ingress, &p.egress),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for (direction, list) in [(Direction::Ingress, ingress), (Direction::Egress, egress)] {
        for (index, rule) in rules_of(list).enumerate() {
            out.push(RuleAt {
                direction,
                index,
                rule,
            });
        }
    }
    out
}

/// Runs every validation rule on one input.
pub fn validate(files: &[SourceFile], resources: &[Resource]) -> Vec<Diagnostic> {
    let mut cx = Ctx {
        files,
        resources,
        out: Vec::new(),
    };
    unknown_kind::check(&mut cx);
    for res in resources {
        unknown_field::check(&mut cx, res);
        duplicate_key::check(&mut cx, res);
        invalid_type::check(&mut cx, res);
        missing_field::check(&mut cx, res);
        invalid_name::check(&mut cx, res);
        namespace_scope::check(&mut cx, res);
        invalid_value::check(&mut cx, res);
        invalid_protocol::check(&mut cx, res);
        icmp_without_protocol::check(&mut cx, res);
        invalid_port::check(&mut cx, res);
        invalid_net::check(&mut cx, res);
        selector_too_long::check(&mut cx, res);
        policy_flag_conflict::check(&mut cx, res);
        unsupported_resource::check(&mut cx, res);
        policy_types::check(&mut cx, res);
        rule_selector_all::check(&mut cx, res);
    }
    unknown_tier::check(&mut cx);
    unordered_policy::check(&mut cx);
    host_endpoint_peer_without_ips::check(&mut cx);
    cx.out
}

#[cfg(test)]
mod tests;
