//! Rule `invalid-port`: port numbers, ranges and names, and ports on rules whose protocol
//! has none.

use crate::model::spec::{EndpointPort, List, Port, Protocol, Spec};
use crate::model::value::{Val, ValExt};
use crate::resource::Resource;
use crate::validate::names::is_port_name;
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// - Rule `ports`/`notPorts` entries that are not 1–65535, a range `lo:hi` with
    ///   `lo <= hi`, or a valid port name (at most 15 lowercase letters, digits and `-`, with
    ///   a letter); more than 50 entries.
    /// - Numeric ports on a rule without `protocol` (named ports alone may omit it since
    ///   Calico v3.32, which this check follows), and any ports on a rule whose protocol has
    ///   no ports (only TCP, UDP and SCTP, or 6, 17, 132, have them; UDPLite does not).
    /// - HostEndpoint and WorkloadEndpoint named ports without a valid name, with a protocol
    ///   other than TCP/UDP/SCTP, or a port outside 1–65535; FelixConfiguration failsafe
    ///   ports and `vxlanPort` outside 1–65535.
    ///
    /// ## Why it matters
    /// Calico rejects the resource.
    ///
    /// ## Example
    /// ```yaml
    /// - action: Allow
    ///   destination:
    ///     ports: [80, "9090:9000"]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - action: Allow
    ///   protocol: TCP
    ///   destination:
    ///     ports: [80, "9000:9090"]
    /// ```
    pub INVALID_PORT = "invalid-port", Error, "A port, port range or port name Calico rejects, or ports on a rule whose protocol has none.";
}

const MAX_PORTS: usize = 50;

fn port_list(
    cx: &mut Ctx<'_>,
    res: &Resource,
    list: &Option<List<Port>>,
    path: &str,
    protocol: Option<&Val<Protocol>>,
) {
    let Some(list) = list else { return };
    let Some(items) = list.get() else { return };
    if items.len() > MAX_PORTS {
        cx.report(
            &INVALID_PORT,
            res,
            list.key_span.clone(),
            format!(
                "`{path}` lists {} ports, more than the {MAX_PORTS} Calico allows",
                items.len()
            ),
            "merge neighbouring ports into ranges (`\"8000:8080\"`) or split the rule".to_string(),
        );
    }
    let mut numeric = None;
    for item in items {
        match &item.value {
            Err(raw) if !raw.wrong_type => cx.report(
                &INVALID_PORT,
                res,
                item.span.clone(),
                format!("`{}` is not a port (1-65535), a range `lo:hi` or a port name", raw.text),
                "write a number from 1 to 65535, a quoted range such as `\"8000:8080\"`, or a named port".to_string(),
            ),
            Err(_) => {}
            Ok(Port::Range { lo, hi }) => {
                numeric.get_or_insert(item.span.clone());
                if *lo == 0 || *hi == 0 {
                    cx.report(&INVALID_PORT, res, item.span.clone(), "port 0 is not valid".to_string(), "ports run from 1 to 65535".to_string());
                } else if lo > hi {
                    cx.report(
                        &INVALID_PORT,
                        res,
                        item.span.clone(),
                        format!("port range `{lo}:{hi}` ends before it starts"),
                        format!("write `\"{hi}:{lo}\"`"),
                    );
                }
            }
            Ok(Port::Named(name)) => {
                if !is_port_name(name) {
                    cx.report(
                        &INVALID_PORT,
                        res,
                        item.span.clone(),
                        format!("`{name}` is not a valid port name"),
                        "port names have at most 15 lowercase letters, digits and `-`, with at least one letter".to_string(),
                    );
                }
            }
        }
    }
    if items.is_empty() {
        return;
    }
    match protocol {
        None => {
            if let Some(span) = numeric {
                cx.report(
                    &INVALID_PORT,
                    res,
                    span,
                    format!("`{path}` has numeric ports but the rule has no `protocol`"),
                    "add `protocol: TCP` (or UDP, SCTP) to the rule".to_string(),
                );
            }
        }
        Some(p) => {
            if let Some(proto) = p.get().filter(|p| !p.supports_ports() && p.number() != 0) {
                let name = match proto {
                    Protocol::Named(n) => (*n).to_string(),
                    Protocol::Number(n) => n.to_string(),
                };
                cx.report(
                    &INVALID_PORT,
                    res,
                    list.key_span.clone(),
                    format!("`{path}` lists ports but protocol `{name}` has none"),
                    "ports need protocol TCP, UDP or SCTP; remove the ports or change the protocol"
                        .to_string(),
                );
            }
        }
    }
}

fn endpoint_ports(cx: &mut Ctx<'_>, res: &Resource, ports: &Option<Val<Vec<Val<EndpointPort>>>>) {
    for p in ports.get().into_iter().flatten() {
        let Some(ep) = p.get() else { continue };
        match ep.name.as_ref().map(|n| (n.get(), n.span.clone())) {
            Some((Some(n), span)) if !is_port_name(n) => cx.report(
                &INVALID_PORT,
                res,
                span,
                format!("`{n}` is not a valid port name"),
                "port names have at most 15 lowercase letters, digits and `-`, with at least one letter".to_string(),
            ),
            None => cx.report(&INVALID_PORT, res, p.span.clone(), "a named port needs a `name`".to_string(), "add `name:`".to_string()),
            _ => {}
        }
        match ep.protocol.as_ref() {
            Some(proto)
                if proto.get().is_some_and(|p| !p.supports_ports())
                    || proto.value.as_ref().is_err_and(|r| !r.wrong_type) =>
            {
                cx.report(
                    &INVALID_PORT,
                    res,
                    proto.span.clone(),
                    "a named port's protocol must be TCP, UDP or SCTP".to_string(),
                    "write `protocol: TCP`, `UDP` or `SCTP`".to_string(),
                );
            }
            None => cx.report(
                &INVALID_PORT,
                res,
                p.span.clone(),
                "a named port needs a `protocol`".to_string(),
                "add `protocol: TCP` (or UDP, SCTP)".to_string(),
            ),
            _ => {}
        }
        match ep.port.as_ref() {
            Some(port) if port.get().is_some_and(|n| !(1..=65535).contains(n)) => {
                cx.report(
                    &INVALID_PORT,
                    res,
                    port.span.clone(),
                    "port outside 1-65535".to_string(),
                    "use a port from 1 to 65535".to_string(),
                );
            }
            None => cx.report(
                &INVALID_PORT,
                res,
                p.span.clone(),
                "a named port needs a `port`".to_string(),
                "add `port:` with the port number".to_string(),
            ),
            _ => {}
        }
    }
}

fn port_number(cx: &mut Ctx<'_>, res: &Resource, v: Option<&Val<i64>>) {
    let Some(v) = v else { return };
    if let Some(n) = v.get().filter(|n| !(1..=65535).contains(*n)) {
        cx.report(
            &INVALID_PORT,
            res,
            v.span.clone(),
            format!("port {n} is outside 1-65535"),
            "use a port from 1 to 65535".to_string(),
        );
    }
}

/// Reports port problems in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    for at in rules_of_resource(res) {
        let proto = at.rule.protocol.as_ref();
        for (side, e) in [
            ("source", &at.rule.source),
            ("destination", &at.rule.destination),
        ] {
            let Some(e) = e.get() else { continue };
            port_list(
                cx,
                res,
                &e.ports,
                &format!("{}.{side}.ports", at.path()),
                proto,
            );
            port_list(
                cx,
                res,
                &e.not_ports,
                &format!("{}.{side}.notPorts", at.path()),
                proto,
            );
        }
    }
    match &res.spec {
        Spec::HostEndpoint(h) => endpoint_ports(cx, res, &h.ports),
        Spec::WorkloadEndpoint(w) => endpoint_ports(cx, res, &w.ports),
        Spec::FelixConfiguration(f) => {
            for list in [&f.failsafe_inbound, &f.failsafe_outbound] {
                for pp in list.get().into_iter().flatten().filter_map(|p| p.get()) {
                    port_number(cx, res, pp.port.as_ref());
                }
            }
            port_number(cx, res, f.vxlan_port.as_ref());
        }
        _ => {}
    }
}
