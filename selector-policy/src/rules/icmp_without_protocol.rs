//! Rule `icmp-without-protocol`: `notICMP` on a rule that does not say it is ICMP.

use crate::model::spec::Protocol;
use crate::model::value::ValExt;
use crate::resource::Resource;
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// A rule with `notICMP` whose `protocol` is not ICMP, ICMPv6, 1 or 58.
    ///
    /// ## Why it matters
    /// Calico checks that `icmp` comes with an ICMP protocol, but not `notICMP`. Without the
    /// protocol it is unclear what the dataplane does with the ICMP type test for other
    /// packets (UNSURE in Calico's source), so the rule may not mean what it says.
    ///
    /// ## Example
    /// ```yaml
    /// - action: Deny
    ///   notICMP: {type: 8}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - action: Deny
    ///   protocol: ICMP
    ///   notICMP: {type: 8}
    /// ```
    pub ICMP_WITHOUT_PROTOCOL = "icmp-without-protocol", Warning, "`notICMP` on a rule whose protocol is not ICMP/ICMPv6 (Calico accepts it; its effect is unclear).";
}

/// Reports `notICMP` without an ICMP protocol.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    for at in rules_of_resource(res) {
        let Some(not_icmp) = at.rule.not_icmp.as_ref() else {
            continue;
        };
        if at
            .rule
            .protocol
            .get()
            .copied()
            .is_some_and(Protocol::is_icmp)
        {
            continue;
        }
        cx.report(
            &ICMP_WITHOUT_PROTOCOL,
            res,
            not_icmp.key_span.clone(),
            format!(
                "rule `{}` has `notICMP` but its protocol is not ICMP or ICMPv6",
                at.path()
            ),
            "add `protocol: ICMP` (or `ICMPv6`)".to_string(),
        );
    }
}
