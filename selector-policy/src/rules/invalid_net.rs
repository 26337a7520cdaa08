//! Rule `invalid-net`: CIDRs in rules, network sets and endpoints in a form Calico rejects.

use crate::model::spec::{List, Net, Spec};
use crate::model::value::ValExt;
use crate::resource::Resource;
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// - Rule `nets`/`notNets` entries that are not CIDRs with a prefix length and without
    ///   host bits (`10.0.0.1` and `10.0.0.1/8` are rejected in rules), more than 256 per
    ///   list, and `notNets` of `0.0.0.0/0` or `::/0`.
    /// - A rule mixing IPv4 and IPv6 across its four net lists, or nets of the other family
    ///   than its `ipVersion`.
    /// - Network set `nets` that are not IPs or CIDRs (host bits are allowed there: Calico
    ///   masks them), HostEndpoint `expectedIPs` that are not plain IPs, WorkloadEndpoint
    ///   `ipNetworks` that are not CIDRs.
    ///
    /// ## Why it matters
    /// Calico rejects the resource. A rule with nets of both families would also be skipped
    /// for one family, and `notNets: [0.0.0.0/0]` would match nothing.
    ///
    /// ## Example
    /// ```yaml
    /// destination:
    ///   nets: [10.0.0.1, 192.168.1.7/24]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// destination:
    ///   nets: [10.0.0.1/32, 192.168.1.0/24]
    /// ```
    pub INVALID_NET = "invalid-net", Error, "A CIDR Calico rejects (bare IP or host bits in a rule, mixed IP families, `notNets: [0.0.0.0/0]`, malformed addresses).";
}

const MAX_NETS: usize = 256;

fn rule_nets(cx: &mut Ctx<'_>, res: &Resource, list: &Option<List<Net>>, path: &str, not: bool) {
    let Some(list) = list else { return };
    let Some(items) = list.get() else { return };
    if items.len() > MAX_NETS {
        cx.report(
            &INVALID_NET,
            res,
            list.key_span.clone(),
            format!(
                "`{path}` lists {} nets, more than the {MAX_NETS} Calico allows",
                items.len()
            ),
            "use a GlobalNetworkSet and select it with `selector`".to_string(),
        );
    }
    for item in items {
        match &item.value {
            Err(raw) if !raw.wrong_type => cx.report(
                &INVALID_NET,
                res,
                item.span.clone(),
                format!("`{}` is not a CIDR", raw.text),
                "write an address with a prefix length, e.g. `10.0.0.0/8` or `fd00::/64`"
                    .to_string(),
            ),
            Err(_) => {}
            Ok(net) if net.prefix.is_none() => cx.report(
                &INVALID_NET,
                res,
                item.span.clone(),
                format!("`{net}` in `{path}` has no prefix length: Calico needs a CIDR in rules"),
                format!("write `{net}/{}`", net.prefix_len()),
            ),
            Ok(net) if net.has_host_bits() => cx.report(
                &INVALID_NET,
                res,
                item.span.clone(),
                format!(
                    "`{net}` in `{path}` has bits set after the prefix: Calico rejects it in rules"
                ),
                format!(
                    "write `{}` (or `{}/{}` for the single address)",
                    net.masked(),
                    net.addr,
                    if net.version() == 4 { 32 } else { 128 }
                ),
            ),
            Ok(net) if not && net.is_everything() => cx.report(
                &INVALID_NET,
                res,
                item.span.clone(),
                format!("`notNets: [{net}]` is rejected by Calico (it would match nothing)"),
                "remove the rule, or use `nets` for what it should match".to_string(),
            ),
            Ok(_) => {}
        }
    }
}

fn plain_list<T>(cx: &mut Ctx<'_>, res: &Resource, list: &Option<List<T>>, what: &str, help: &str) {
    for item in list.get().into_iter().flatten() {
        if let Err(raw) = &item.value {
            if !raw.wrong_type {
                cx.report(
                    &INVALID_NET,
                    res,
                    item.span.clone(),
                    format!("`{}` is not {what}", raw.text),
                    help.to_string(),
                );
            }
        }
    }
}

/// Reports net problems in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    for at in rules_of_resource(res) {
        let mut families: Vec<(u8, std::ops::Range<usize>)> = Vec::new();
        for (side, e) in [
            ("source", &at.rule.source),
            ("destination", &at.rule.destination),
        ] {
            let Some(e) = e.get() else { continue };
            rule_nets(
                cx,
                res,
                &e.nets,
                &format!("{}.{side}.nets", at.path()),
                false,
            );
            rule_nets(
                cx,
                res,
                &e.not_nets,
                &format!("{}.{side}.notNets", at.path()),
                true,
            );
            for list in [&e.nets, &e.not_nets] {
                for item in list.get().into_iter().flatten() {
                    if let Some(n) = item.get() {
                        families.push((n.version(), item.span.clone()));
                    }
                }
            }
        }
        let want = at
            .rule
            .ip_version
            .get()
            .copied()
            .filter(|v| *v == 4 || *v == 6);
        let first = families.first().map(|(v, _)| *v);
        let expected = want.or(first.map(i64::from));
        if let Some(expected) = expected {
            if let Some((v, span)) = families.iter().find(|(v, _)| i64::from(*v) != expected) {
                let message = match want {
                    Some(w) => format!(
                        "rule `{}` has `ipVersion: {w}` but an IPv{v} net",
                        at.path()
                    ),
                    None => format!("rule `{}` mixes IPv4 and IPv6 nets", at.path()),
                };
                cx.report(
                    &INVALID_NET,
                    res,
                    span.clone(),
                    message,
                    "use one IP family per rule: split it into an IPv4 rule and an IPv6 rule"
                        .to_string(),
                );
            }
        }
    }
    match &res.spec {
        Spec::NetworkSet(s) => plain_list(
            cx,
            res,
            &s.nets,
            "an IP address or CIDR",
            "write an address (`10.0.0.1`) or a CIDR (`10.0.0.0/8`)",
        ),
        Spec::HostEndpoint(h) => {
            for item in h.expected_ips.get().into_iter().flatten() {
                let Err(raw) = &item.value else { continue };
                if raw.wrong_type {
                    continue;
                }
                let help = match Net::parse(&raw.text) {
                    Some(n) => format!("`expectedIPs` are plain addresses: write `{}`", n.addr),
                    None => "write the host's IP address, e.g. `10.0.0.11`".to_string(),
                };
                cx.report(
                    &INVALID_NET,
                    res,
                    item.span.clone(),
                    format!("`{}` is not an IP address", raw.text),
                    help,
                );
            }
        }
        Spec::WorkloadEndpoint(w) => plain_list(
            cx,
            res,
            &w.ip_networks,
            "a CIDR",
            "write a CIDR, e.g. `10.0.0.5/32`",
        ),
        _ => {}
    }
}
