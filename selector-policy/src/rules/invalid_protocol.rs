//! Rule `invalid-protocol`: `protocol`/`notProtocol` values and the fields that depend on
//! the protocol (`icmp`, `ipVersion`, `http`).

use crate::model::spec::{Action, Protocol};
use crate::model::value::{Val, ValExt};
use crate::resource::Resource;
use crate::validate::suggest::{case_of, one_of};
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// - `protocol`/`notProtocol` other than `TCP`, `UDP`, `ICMP`, `ICMPv6`, `SCTP`,
    ///   `UDPLite` (exact case) or a number 1–255.
    /// - `icmp` without `protocol` ICMP, ICMPv6, 1 or 58; `icmp.code` without `icmp.type`;
    ///   ICMP type outside 0–254 or code outside 0–255 (also in `notICMP`).
    /// - ICMP (protocol or notProtocol) with `ipVersion: 6`, ICMPv6 with `ipVersion: 4`.
    /// - `http` on a rule whose action is not `Allow`, or whose protocol is not TCP.
    ///
    /// ## Why it matters
    /// Calico rejects the resource (CRD rules on `Rule` and `ICMPFields`, and the validator).
    ///
    /// ## Example
    /// ```yaml
    /// - action: Allow
    ///   protocol: tcp
    /// - action: Allow
    ///   icmp: {type: 8}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - action: Allow
    ///   protocol: TCP
    /// - action: Allow
    ///   protocol: ICMP
    ///   icmp: {type: 8}
    /// ```
    pub INVALID_PROTOCOL = "invalid-protocol", Error, "A protocol Calico does not know, or ICMP/HTTP fields that do not fit the rule's protocol.";
}

const NAMES: &[&str] = &["TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite"];

fn protocol_value(cx: &mut Ctx<'_>, res: &Resource, v: &Option<Val<Protocol>>, field: &str) {
    let Some(v) = v else { return };
    let message = match &v.value {
        Ok(Protocol::Number(0)) => "protocol number 0 is not valid".to_string(),
        Ok(_) => return,
        Err(raw) if raw.wrong_type => return,
        Err(raw) => format!("`{}` is not a valid `{field}`", raw.text),
    };
    let raw = v
        .value
        .as_ref()
        .err()
        .map(|r| r.text.as_str())
        .unwrap_or("");
    let help = match case_of(raw, NAMES.iter().copied()) {
        Some(n) => format!("write `{n}` (protocol names are case-sensitive)"),
        None => format!("use {} or a number from 1 to 255", one_of(NAMES)),
    };
    cx.report(&INVALID_PROTOCOL, res, v.span.clone(), message, help);
}

/// Reports protocol problems in the rules of `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    for at in rules_of_resource(res) {
        let rule = at.rule;
        protocol_value(cx, res, &rule.protocol, "protocol");
        protocol_value(cx, res, &rule.not_protocol, "notProtocol");
        let proto = rule.protocol.get().copied();
        if let Some(icmp) = rule.icmp.as_ref() {
            if !proto.is_some_and(Protocol::is_icmp) {
                cx.report(
                    &INVALID_PROTOCOL,
                    res,
                    icmp.key_span.clone(),
                    format!(
                        "rule `{}` has `icmp` but its protocol is not ICMP or ICMPv6",
                        at.path()
                    ),
                    "add `protocol: ICMP` (or `ICMPv6` for IPv6)".to_string(),
                );
            }
        }
        for (field, v) in [("icmp", &rule.icmp), ("notICMP", &rule.not_icmp)] {
            let Some(f) = v.get() else { continue };
            if f.code.is_some() && f.icmp_type.is_none() {
                cx.report(
                    &INVALID_PROTOCOL,
                    res,
                    f.code.as_ref().map_or(0..0, |c| c.key_span.clone()),
                    format!("`{field}.code` needs `{field}.type`"),
                    "add `type:` (e.g. 3 for destination unreachable)".to_string(),
                );
            }
            for (name, val, max) in [("type", &f.icmp_type, 254), ("code", &f.code, 255)] {
                let Some(v) = val.as_ref() else { continue };
                if let Some(n) = v.get().filter(|n| **n < 0 || **n > max) {
                    cx.report(
                        &INVALID_PROTOCOL,
                        res,
                        v.span.clone(),
                        format!("ICMP {name} {n} is outside 0-{max}"),
                        format!("use an ICMP {name} from 0 to {max}"),
                    );
                }
            }
        }
        if let Some(version) = rule.ip_version.get().copied() {
            for (field, v) in [
                ("protocol", &rule.protocol),
                ("notProtocol", &rule.not_protocol),
            ] {
                let Some(p) = v.as_ref() else { continue };
                let n = p.get().map(|p| p.number());
                let clash = match n {
                    Some(1) => version == 6,
                    Some(58) => version == 4,
                    _ => false,
                };
                if clash {
                    cx.report(
                        &INVALID_PROTOCOL,
                        res,
                        p.span.clone(),
                        format!(
                            "`{field}` {} does not exist in IPv{version}",
                            if n == Some(1) { "ICMP" } else { "ICMPv6" }
                        ),
                        if n == Some(1) {
                            "use `ICMPv6` with `ipVersion: 6`"
                        } else {
                            "use `ICMP` with `ipVersion: 4`"
                        }
                        .to_string(),
                    );
                }
            }
        }
        if let Some(http) = rule.http.as_ref() {
            let action_ok = rule.action.get().is_none_or(|a| *a == Action::Allow);
            let proto_ok = rule
                .protocol
                .as_ref()
                .is_none_or(|p| p.get().is_none_or(|p| p.number() == 6));
            if !action_ok || !proto_ok {
                cx.report(
                    &INVALID_PROTOCOL,
                    res,
                    http.key_span.clone(),
                    format!("`http` is only allowed on `Allow` rules with protocol TCP or none (rule `{}`)", at.path()),
                    "move the HTTP match to an `Allow` rule over TCP".to_string(),
                );
            }
        }
    }
}
