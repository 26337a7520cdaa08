//! Kubernetes NetworkPolicy in Calico form (POLICY.md 2.3): what Calico's converter makes
//! of a KNP (or a StagedKubernetesNetworkPolicy), so the evaluator treats every policy alike.
//!
//! The result is a Calico [`PolicySpec`] in tier `default` with order 1000, selector
//! `projectcalico.org/orchestrator == 'k8s' && <podSelector>`, the Kubernetes-defaulted
//! types, and one Allow rule per (protocol, peer). Values built here carry the span of the
//! KNP node they come from, so findings still point into the manifest.

use std::ops::Range;

use super::select::{quote, ORCH_LABEL};
use super::spec::*;
use super::value::{Spanned, Val, ValExt};
use crate::resource::{Kind, Resource};

/// The order Calico gives converted Kubernetes policies.
pub const KNP_ORDER: f64 = 1000.0;

/// The name Calico gives a converted Kubernetes policy.
pub fn calico_name(knp_name: &str) -> String {
    format!("knp.default.{knp_name}")
}

fn val<T>(value: T, span: &Range<usize>) -> Val<T> {
    Spanned::new(Ok(value), span.clone(), span.clone())
}

/// The Calico selector of a Kubernetes label selector object (`all()` when empty), or why
/// it cannot be written (an unknown operator, a value Calico cannot quote).
pub fn label_selector_to_calico(sel: &LabelSelector) -> Result<String, String> {
    let mut parts = Vec::new();
    for (k, v) in &sel.match_labels {
        let v = v
            .get()
            .ok_or_else(|| format!("label `{}` has no string value", k.value))?;
        parts.push(format!("{} == {}", k.value, quote_checked(v)?));
    }
    for e in &sel.match_expressions {
        let e = e.get().ok_or("a matchExpressions entry is not a mapping")?;
        let key = e.key.get().ok_or("a matchExpressions entry has no key")?;
        let values = e
            .values
            .iter()
            .map(|v| {
                v.get()
                    .ok_or_else(|| "a value is not a string".to_string())
                    .and_then(|v| quote_checked(v))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let op = e.operator.get().map(String::as_str).unwrap_or("");
        parts.push(match op {
            "In" => format!("{key} in {{{}}}", values.join(", ")),
            "NotIn" => format!("{key} not in {{{}}}", values.join(", ")),
            "Exists" => format!("has({key})"),
            "DoesNotExist" => format!("!has({key})"),
            _ => return Err(format!("unknown matchExpressions operator `{op}`")),
        });
    }
    Ok(if parts.is_empty() {
        "all()".to_string()
    } else {
        parts.join(" && ")
    })
}

fn quote_checked(v: &str) -> Result<String, String> {
    if v.contains('"') && v.contains('\'') {
        return Err(format!("value `{v}` holds both quote characters"));
    }
    Ok(quote(v))
}

/// The pod selector with Calico's orchestrator term in front.
fn pod_selector(sel: Option<&Val<LabelSelector>>) -> Result<String, String> {
    let orch = format!("{ORCH_LABEL} == 'k8s'");
    let Some(sel) = sel else { return Ok(orch) };
    let sel = sel.get().ok_or("podSelector is not a mapping")?;
    Ok(match label_selector_to_calico(sel)?.as_str() {
        "all()" => orch,
        s => format!("{orch} && {s}"),
    })
}

/// The entity rule of one Kubernetes peer (`None`: no peer constraint).
fn peer_entity(peer: Option<&Val<K8sPeer>>) -> Result<EntityRule, String> {
    let Some(peer) = peer else {
        return Ok(EntityRule::default());
    };
    let span = &peer.span;
    let p = peer.get().ok_or("a peer is not a mapping")?;
    let mut out = EntityRule {
        span: span.clone(),
        ..EntityRule::default()
    };
    if let Some(ps) = &p.pod_selector {
        out.selector = Some(val(pod_selector(Some(ps))?, &ps.span));
    }
    if let Some(ns) = &p.namespace_selector {
        let s = label_selector_to_calico(ns.get().ok_or("namespaceSelector is not a mapping")?)?;
        out.namespace_selector = Some(val(s, &ns.span));
    }
    if let Some(b) = &p.ip_block {
        let block = b.get().ok_or("ipBlock is not a mapping")?;
        let cidr = block.cidr.as_ref().ok_or("ipBlock has no cidr")?;
        let net = *cidr.get().ok_or("ipBlock cidr is not a CIDR")?;
        out.nets = Some(val(vec![val(net, &cidr.span)], &b.span));
        if !block.except.is_empty() {
            let except = block
                .except
                .iter()
                .map(|e| {
                    e.get()
                        .map(|n| val(*n, &e.span))
                        .ok_or("an except entry is not a CIDR")
                })
                .collect::<Result<Vec<_>, _>>()?;
            out.not_nets = Some(val(except, &b.span));
        }
    }
    Ok(out)
}

/// A protocol and the ports listed with it.
type PortGroup = (Val<Protocol>, Vec<Val<Port>>);

/// The (protocol, ports) groups of a rule's `ports`, in order of first appearance
/// (`None`: no ports, any protocol).
fn port_groups(ports: &Option<Vec<Val<K8sPort>>>) -> Result<Vec<PortGroup>, String> {
    let Some(ports) = ports.as_ref().filter(|p| !p.is_empty()) else {
        return Ok(Vec::new());
    };
    let mut groups: Vec<PortGroup> = Vec::new();
    for p in ports {
        let kp = p.get().ok_or("a port entry is not a mapping")?;
        let proto_name = kp.protocol.get().map(String::as_str).unwrap_or("TCP");
        let proto = Protocol::parse(proto_name)
            .filter(|p| p.supports_ports())
            .ok_or_else(|| format!("protocol `{proto_name}` is not TCP, UDP or SCTP"))?;
        let port = match &kp.port {
            None => None,
            Some(port) => {
                let value = port
                    .get()
                    .ok_or("a port is neither a number nor a name")?
                    .clone();
                let value = match (value, kp.end_port.get()) {
                    (Port::Range { lo, .. }, Some(end)) => Port::Range {
                        lo,
                        hi: u16::try_from(*end).map_err(|_| "endPort is not a port number")?,
                    },
                    (v, _) => v,
                };
                Some(val(value, &port.span))
            }
        };
        let at = groups.iter().position(|(g, _)| g.get() == Some(&proto));
        let group = match at {
            Some(i) => groups.get_mut(i),
            None => {
                groups.push((val(proto, &p.span), Vec::new()));
                groups.last_mut()
            }
        };
        if let (Some((_, list)), Some(port)) = (group, port) {
            list.push(port);
        }
    }
    Ok(groups)
}

fn rules(
    list: &Option<Val<Vec<Val<K8sRule>>>>,
    ingress: bool,
) -> Result<Option<Val<Vec<Val<RuleSpec>>>>, String> {
    let Some(list) = list else { return Ok(None) };
    let items = list.get().ok_or("the rule list is not a list")?;
    let mut out = Vec::new();
    for rule in items {
        let r = rule.get().ok_or("a rule is not a mapping")?;
        let peers: Vec<Option<&Val<K8sPeer>>> = match &r.peers {
            Some(p) if !p.is_empty() => p.iter().map(Some).collect(),
            _ => vec![None],
        };
        let groups = port_groups(&r.ports)?;
        let groups: Vec<Option<&PortGroup>> = if groups.is_empty() {
            vec![None]
        } else {
            groups.iter().map(Some).collect()
        };
        for g in &groups {
            for peer in &peers {
                let mut peer_rule = peer_entity(*peer)?;
                let mut port_rule = EntityRule {
                    span: r.span.clone(),
                    ..EntityRule::default()
                };
                let mut spec = RuleSpec {
                    span: r.span.clone(),
                    action: Some(val(Action::Allow, &r.span)),
                    ..RuleSpec::default()
                };
                if let Some((proto, ports)) = g {
                    spec.protocol = Some(proto.clone());
                    if !ports.is_empty() {
                        port_rule.ports = Some(val(ports.clone(), &r.span));
                    }
                }
                if ingress {
                    spec.source = Some(val(peer_rule, &r.span));
                    spec.destination = Some(val(port_rule, &r.span));
                } else {
                    peer_rule.ports = port_rule.ports;
                    spec.destination = Some(val(peer_rule, &r.span));
                }
                out.push(val(spec, &r.span));
            }
        }
    }
    Ok(Some(val(out, &list.span)))
}

/// The Calico policy Calico makes of a Kubernetes NetworkPolicy or StagedKubernetesNetworkPolicy,
/// or why it cannot (a part Kubernetes would reject; such a policy does not exist).
pub fn to_calico(res: &Resource) -> Result<PolicySpec, String> {
    if !matches!(
        res.kind,
        Kind::KubernetesNetworkPolicy | Kind::StagedKubernetesNetworkPolicy
    ) {
        return Err(format!("{} is not a Kubernetes policy", res.kind.name()));
    }
    let Spec::KubernetesPolicy(k) = &res.spec else {
        return Err("the spec is not a mapping".into());
    };
    let span = &res.span;
    let (ing, eg) = k.effective_types();
    let mut types = Vec::new();
    if ing {
        types.push(val(PolicyType::Ingress, span));
    }
    if eg {
        types.push(val(PolicyType::Egress, span));
    }
    let selector_span = k.pod_selector.as_ref().map_or(span, |s| &s.span);
    Ok(PolicySpec {
        tier: Some(val("default".to_string(), span)),
        order: Some(val(KNP_ORDER, span)),
        selector: Some(val(pod_selector(k.pod_selector.as_ref())?, selector_span)),
        types: Some(val(types, span)),
        ingress: rules(&k.ingress, true)?,
        egress: rules(&k.egress, false)?,
        staged_action: k.staged_action.clone(),
        ..PolicySpec::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::resources_of;
    use crate::yaml::load;

    fn convert(text: &str) -> Result<PolicySpec, String> {
        let mut out = Vec::new();
        for d in &load(text).documents {
            resources_of(text, 0, d, &mut out);
        }
        to_calico(&out[0])
    }

    const HEAD: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: k, namespace: shop}\n";

    #[test]
    fn converts_selectors_types_and_rules() {
        let text = format!("{HEAD}spec:\n  podSelector:\n    matchLabels: {{app: web}}\n    matchExpressions: [{{key: tier, operator: NotIn, values: [a, b]}}, {{key: x, operator: Exists}}]\n  ingress:\n  - from:\n    - podSelector: {{matchLabels: {{role: lb}}}}\n    - namespaceSelector: {{}}\n    ports: [{{port: 80}}, {{port: dns, protocol: UDP}}, {{port: 8000, endPort: 8080}}]\n  egress:\n  - to: [{{ipBlock: {{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}}}]\n");
        let p = convert(&text).unwrap();
        assert_eq!(p.tier_name(), "default");
        assert_eq!(p.order_value(), Some(KNP_ORDER));
        assert_eq!(
            p.selector.get().unwrap(),
            "projectcalico.org/orchestrator == 'k8s' && app == \"web\" && tier not in {\"a\", \"b\"} && has(x)"
        );
        assert_eq!(p.effective_types(), (true, true));
        let ing: Vec<&RuleSpec> = rules_of(&p.ingress).collect();
        // Two protocols x two peers.
        assert_eq!(ing.len(), 4);
        assert_eq!(ing[0].protocol.get(), Some(&Protocol::Named("TCP")));
        let src = ing[0].source.get().unwrap();
        assert_eq!(
            src.selector.get().unwrap(),
            "projectcalico.org/orchestrator == 'k8s' && role == \"lb\""
        );
        let ports: Vec<&Port> = ing[0]
            .destination
            .get()
            .unwrap()
            .ports
            .get()
            .unwrap()
            .iter()
            .filter_map(|p| p.get())
            .collect();
        assert_eq!(
            ports,
            vec![
                &Port::Range { lo: 80, hi: 80 },
                &Port::Range { lo: 8000, hi: 8080 }
            ]
        );
        assert_eq!(
            ing[1]
                .source
                .get()
                .unwrap()
                .namespace_selector
                .get()
                .unwrap(),
            "all()"
        );
        assert_eq!(ing[2].protocol.get(), Some(&Protocol::Named("UDP")));
        let eg: Vec<&RuleSpec> = rules_of(&p.egress).collect();
        assert_eq!(eg.len(), 1);
        assert!(eg[0].protocol.is_none(), "no ports: any protocol");
        let dst = eg[0].destination.get().unwrap();
        assert_eq!(
            dst.nets.get().unwrap()[0].get().unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            dst.not_nets.get().unwrap()[0].get().unwrap().to_string(),
            "10.1.0.0/16"
        );
        assert!(dst.selector.is_none());
    }

    #[test]
    fn defaults_types_and_empty_rules() {
        let p = convert(&format!(
            "{HEAD}spec:\n  podSelector: {{}}\n  policyTypes: [Ingress]\n"
        ))
        .unwrap();
        assert_eq!(
            p.selector.get().unwrap(),
            "projectcalico.org/orchestrator == 'k8s'"
        );
        assert_eq!(p.effective_types(), (true, false));
        assert_eq!(rules_of(&p.ingress).count(), 0);
        // Only egress rules and no policyTypes: Kubernetes makes it both directions.
        let p = convert(&format!(
            "{HEAD}spec:\n  podSelector: {{}}\n  egress: [{{}}]\n"
        ))
        .unwrap();
        assert_eq!(p.effective_types(), (true, true));
        let eg: Vec<&RuleSpec> = rules_of(&p.egress).collect();
        assert_eq!(eg.len(), 1);
        assert_eq!(eg[0].action.get(), Some(&Action::Allow));
        assert!(convert(&format!(
            "{HEAD}spec:\n  podSelector: {{matchExpressions: [{{key: a, operator: Has}}]}}\n"
        ))
        .is_err());
    }
}
