//! From the resource model (`crate::model`) to the resolved [`Ir`]: endpoints with their
//! label sets (POLICY.md 7), network sets, tiers (built-in ones unless overridden) and policies
//! in evaluation order (POLICY.md 3), Kubernetes NetworkPolicy in Calico form (POLICY.md 2.3),
//! profiles and Felix settings.
//!
//! A later resource with the same kind, namespace and name replaces the earlier one, as
//! `calicoctl apply` would. A policy or profile Calico would reject (a selector or rule field
//! it cannot read) is left out, and a note says so: it would never reach Felix.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use selector_core::index::SelectorIndex;

use super::ir::{
    proto, Cidr, Endpoint, EndpointKind, EndpointToHost, Entity, Failsafe, Felix, Icmp, Ir, Loc,
    NamedPort, NetSet, PeerSel, Policy, PortMatch, Profile, Rule, Stage, Tier,
};
use crate::model::k8s_policy;
use crate::model::spec::{self as ms, EntityRule, Net, PolicySpec, RuleSpec, Spec};
use crate::model::{entity_selector, spec_policy_selector, Model, SelectorCache, Val, ValExt};
use crate::resource::{Kind, Resource};
use crate::source::SourceFile;

/// Why manifests could not be loaded for evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// One line per problem (`file:line:column: message`).
    pub problems: Vec<String>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot evaluate these manifests: {}",
            self.problems.join("; ")
        )
    }
}

impl std::error::Error for LoadError {}

struct Ctx<'a> {
    files: &'a [SourceFile],
    cache: SelectorCache,
    notes: Vec<String>,
}

impl Ctx<'_> {
    fn loc(&self, file: usize, span: std::ops::Range<usize>) -> Option<Loc> {
        let f = self.files.get(file)?;
        let (line, _) = f.position(span.start);
        Some(Loc {
            file: Arc::from(f.name.as_str()),
            line,
            text: Arc::from(f.line_text(line)),
            file_index: file,
            span,
        })
    }

    /// Where a resource is named (its `metadata.name`).
    fn res_loc(&self, r: &Resource) -> Option<Loc> {
        self.loc(r.file, r.name_span.clone())
    }

    fn note(&mut self, s: String) {
        if !self.notes.contains(&s) {
            self.notes.push(s);
        }
    }
}

/// A decoded value, or why Calico would reject the resource.
fn ok<'a, T>(v: &'a Val<T>, what: &str) -> Result<&'a T, String> {
    v.value
        .as_ref()
        .map_err(|raw| format!("`{what}: {}` is invalid", raw.text))
}

fn opt<'a, T>(v: &'a Option<Val<T>>, what: &str) -> Result<Option<&'a T>, String> {
    v.as_ref().map(|v| ok(v, what)).transpose()
}

fn protocol(v: &Option<Val<ms::Protocol>>, what: &str) -> Result<Option<u8>, String> {
    Ok(match opt(v, what)? {
        Some(p) if p.number() == 0 => return Err(format!("`{what}: 0` is invalid")),
        Some(p) => Some(p.number()),
        None => None,
    })
}

fn small(v: &Option<Val<i64>>, what: &str) -> Result<Option<u8>, String> {
    match opt(v, what)? {
        None => Ok(None),
        Some(n) => u8::try_from(*n)
            .map(Some)
            .map_err(|_| format!("`{what}: {n}` is out of range")),
    }
}

fn icmp(v: &Option<Val<ms::IcmpFields>>, what: &str) -> Result<Option<Icmp>, String> {
    let Some(f) = opt(v, what)? else {
        return Ok(None);
    };
    let kind = small(&f.icmp_type, &format!("{what}.type"))?
        .ok_or_else(|| format!("`{what}` needs a type"))?;
    Ok(Some(Icmp {
        kind,
        code: small(&f.code, &format!("{what}.code"))?,
    }))
}

/// Rule nets: Calico rejects a net with host bits or without a prefix length.
fn rule_nets(
    list: &Option<crate::model::spec::List<Net>>,
    what: &str,
) -> Result<Vec<Cidr>, String> {
    let mut out = Vec::new();
    for v in opt(list, what)?.into_iter().flatten() {
        let n = ok(v, what)?;
        if n.prefix.is_none() || n.has_host_bits() {
            return Err(format!(
                "`{what}` entry `{n}` is not a network address with a prefix length"
            ));
        }
        out.push(Cidr::new(n.addr, n.prefix_len()));
    }
    Ok(out)
}

fn set_nets(list: &Option<crate::model::spec::List<Net>>) -> Vec<Cidr> {
    list.get()
        .into_iter()
        .flatten()
        .filter_map(|v| v.get())
        .map(|n| Cidr::new(n.addr, n.prefix_len()))
        .collect()
}

fn port_list(
    list: &Option<crate::model::spec::List<ms::Port>>,
    what: &str,
) -> Result<Vec<PortMatch>, String> {
    let mut out = Vec::new();
    for v in opt(list, what)?.into_iter().flatten() {
        out.push(match ok(v, what)? {
            ms::Port::Range { lo, hi } if *lo > 0 && lo <= hi => PortMatch::Range(*lo, *hi),
            ms::Port::Range { lo, hi } => {
                return Err(format!("`{what}` entry `{lo}:{hi}` is invalid"))
            }
            ms::Port::Named(n) => PortMatch::Named(n.clone()),
        });
    }
    Ok(out)
}

fn entity(
    ctx: &mut Ctx,
    e: &Option<Val<EntityRule>>,
    namespace: Option<&str>,
    what: &str,
) -> Result<Entity, String> {
    let Some(e) = opt(e, what)? else {
        return Ok(Entity::default());
    };
    let nets = rule_nets(&e.nets, &format!("{what}.nets"))?;
    let not_nets = rule_nets(&e.not_nets, &format!("{what}.notNets"))?;
    let sel = entity_selector(&mut ctx.cache, namespace, e)
        .ok_or_else(|| format!("a selector of `{what}` is invalid"))?;
    Ok(Entity {
        nets_set: !nets.is_empty(),
        not_nets_set: !not_nets.is_empty(),
        nets,
        not_nets,
        sel: PeerSel {
            selector: sel.selector,
            not_selector: sel.not_selector,
        },
        ports: port_list(&e.ports, &format!("{what}.ports"))?,
        not_ports: port_list(&e.not_ports, &format!("{what}.notPorts"))?,
        services: e.services.is_some(),
    })
}

fn rule(ctx: &mut Ctx, file: usize, r: &RuleSpec, namespace: Option<&str>) -> Result<Rule, String> {
    let Some(&action) = opt(&r.action, "action")? else {
        return Err("a rule has no `action`".into());
    };
    let ip_version = match opt(&r.ip_version, "ipVersion")? {
        None => None,
        Some(4) => Some(4),
        Some(6) => Some(6),
        Some(v) => return Err(format!("`ipVersion: {v}` is not 4 or 6")),
    };
    Ok(Rule {
        action,
        protocol: protocol(&r.protocol, "protocol")?,
        not_protocol: protocol(&r.not_protocol, "notProtocol")?,
        icmp: icmp(&r.icmp, "icmp")?,
        not_icmp: icmp(&r.not_icmp, "notICMP")?,
        ip_version,
        source: entity(ctx, &r.source, namespace, "source")?,
        destination: entity(ctx, &r.destination, namespace, "destination")?,
        http: r.http.is_some(),
        broken: None,
        loc: ctx.loc(file, r.span.clone()),
    })
}

fn rules(
    ctx: &mut Ctx,
    file: usize,
    list: &Option<Val<Vec<Val<RuleSpec>>>>,
    namespace: Option<&str>,
    what: &str,
) -> Result<Vec<Rule>, String> {
    let mut out = Vec::new();
    for v in opt(list, what)?.into_iter().flatten() {
        out.push(rule(ctx, file, ok(v, what)?, namespace)?);
    }
    Ok(out)
}

/// One policy of the input in evaluation form, before tiers are placed.
struct RawPolicy {
    policy: Policy,
    tier: String,
}

fn policy(
    ctx: &mut Ctx,
    r: &Resource,
    spec: &PolicySpec,
    kind: &str,
    name: String,
) -> Result<Option<RawPolicy>, String> {
    let staged = r.kind.is_staged() || r.kind == Kind::StagedKubernetesNetworkPolicy;
    if staged && spec.staged_action_value() == ms::StagedAction::Delete {
        return Ok(None);
    }
    let namespaced = matches!(
        r.kind,
        Kind::NetworkPolicy
            | Kind::StagedNetworkPolicy
            | Kind::KubernetesNetworkPolicy
            | Kind::StagedKubernetesNetworkPolicy
    );
    let namespace = namespaced.then(|| r.namespace.clone().unwrap_or_else(|| "default".into()));
    let ns = namespace.as_deref();
    let selector = spec_policy_selector(&mut ctx.cache, ns, spec)
        .ok_or("its selector, namespaceSelector or serviceAccountSelector is invalid")?;
    let ingress_rules = rules(ctx, r.file, &spec.ingress, ns, "ingress")?;
    let egress_rules = rules(ctx, r.file, &spec.egress, ns, "egress")?;
    if let Some(t) = &spec.types {
        ok(t, "types")?;
    }
    let (ingress, egress) = spec.effective_types();
    let order = opt(&spec.order, "order")?.copied();
    let stage = if PolicySpec::flag(&spec.do_not_track) {
        Stage::Untracked
    } else if PolicySpec::flag(&spec.pre_dnat) {
        Stage::PreDnat
    } else {
        Stage::Normal
    };
    Ok(Some(RawPolicy {
        tier: spec.tier_name().to_string(),
        policy: Policy {
            kind: Arc::from(kind),
            name: Arc::from(name),
            namespace: namespace.map(Arc::from),
            tier: usize::MAX,
            order,
            selector: Some(selector),
            ingress,
            egress,
            staged,
            stage,
            apply_on_forward: PolicySpec::flag(&spec.apply_on_forward),
            ingress_rules,
            egress_rules,
            loc: ctx.res_loc(r),
        },
    }))
}

fn felix(ctx: &Ctx, r: &Resource, f: &ms::FelixConfigurationSpec) -> Felix {
    let conv = |list: Vec<ms::ProtoPort>| -> Vec<Failsafe> {
        list.into_iter()
            .filter_map(|p| {
                let protocol = match p.protocol.to_ascii_lowercase().as_str() {
                    "" | "tcp" => proto::TCP,
                    "udp" => proto::UDP,
                    "sctp" => proto::SCTP,
                    _ => return None,
                };
                let net = if p.net.is_empty() {
                    None
                } else {
                    // A failsafe with an unreadable net never matches (fail closed).
                    Some(Cidr::parse(&p.net).unwrap_or(Cidr {
                        addr: IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
                        prefix: 32,
                    }))
                };
                Some(Failsafe {
                    protocol,
                    port: p.port,
                    net,
                })
            })
            .collect()
    };
    Felix {
        failsafe_in: conv(f.failsafe_inbound_ports()),
        failsafe_out: conv(f.failsafe_outbound_ports()),
        endpoint_to_host: match f.endpoint_to_host_action() {
            ms::EndpointToHostAction::Drop => EndpointToHost::Drop,
            ms::EndpointToHostAction::Accept => EndpointToHost::Accept,
            ms::EndpointToHostAction::Return => EndpointToHost::Return,
        },
        allow_vxlan: f.allows_vxlan_from_workloads(),
        allow_ipip: f.allows_ipip_from_workloads(),
        vxlan_port: f.vxlan_port_value(),
        loc: ctx.res_loc(r),
    }
}

fn endpoint_ports(list: &Option<Val<Vec<Val<ms::EndpointPort>>>>) -> Vec<NamedPort> {
    list.get()
        .into_iter()
        .flatten()
        .filter_map(|v| v.get())
        .filter_map(|p| {
            Some(NamedPort {
                name: p.name.get()?.clone(),
                protocol: p.protocol.get().map_or(proto::TCP, |x| x.number()),
                port: u16::try_from(*p.port.get()?).ok()?,
            })
        })
        .collect()
}

fn builtin_tiers() -> Vec<Tier> {
    [
        ("kube-admin", 1_000.0, true),
        ("default", 1_000_000.0, false),
        ("kube-baseline", 10_000_000.0, true),
    ]
    .into_iter()
    .map(|(n, o, pass)| Tier {
        name: n.into(),
        order: Some(o),
        default_pass: pass,
        exists: true,
    })
    .collect()
}

/// Reads `files` (applied together, in order) into the evaluator's form. A YAML syntax
/// error is an error: the resources after it would be missing from the verdicts.
pub fn lower(files: &[SourceFile]) -> Result<Ir, LoadError> {
    let analysis = crate::lint::load(files.to_vec());
    if !analysis.diagnostics.is_empty() {
        return Err(LoadError {
            problems: analysis
                .diagnostics
                .iter()
                .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message))
                .collect(),
        });
    }
    Ok(lower_resources(files, &analysis.resources))
}

/// The evaluator's form of resources already read from `files` (what parsed, for lint rules).
pub fn lower_resources(files: &[SourceFile], all: &[Resource]) -> Ir {
    // A later resource with the same kind, namespace and name replaces the earlier one.
    let mut last: HashMap<(Kind, Option<String>, String), usize> = HashMap::new();
    for (i, r) in all.iter().enumerate() {
        last.insert((r.kind, r.namespace.clone(), r.name.clone()), i);
    }
    let resources: Vec<Resource> = all
        .iter()
        .enumerate()
        .filter(|(i, r)| last.get(&(r.kind, r.namespace.clone(), r.name.clone())) == Some(i))
        .map(|(_, r)| r.clone())
        .collect();
    let model = Model::new(&resources);
    let mut ctx = Ctx {
        files,
        cache: SelectorCache::default(),
        notes: Vec::new(),
    };
    let mut ir = Ir::default();

    // Profiles: generated (kns., ksa.), built-in and the input's.
    for (name, p) in &model.profiles.by_name {
        let file = p
            .resource
            .and_then(|i| resources.get(i))
            .map_or(usize::MAX, |r| r.file);
        let built = (|| -> Result<(Vec<Rule>, Vec<Rule>), String> {
            let mut ing = Vec::new();
            for r in &p.ingress {
                ing.push(rule(&mut ctx, file, r, None)?);
            }
            let mut eg = Vec::new();
            for r in &p.egress {
                eg.push(rule(&mut ctx, file, r, None)?);
            }
            Ok((ing, eg))
        })();
        match built {
            Ok((ingress, egress)) => {
                let loc = p.resource.and_then(|i| resources.get(i)).and_then(|r| ctx.res_loc(r));
                ir.profiles.insert(
                    name.clone(),
                    Profile {
                        name: name.clone(),
                        ingress,
                        egress,
                        loc,
                    },
                );
            }
            Err(e) => ctx.note(format!("Profile `{name}` is not evaluated: Calico would reject it ({e}); it behaves as missing (drops)")),
        }
    }

    // Endpoints and network sets, with their full label sets.
    for (id, e) in model.endpoints.iter().enumerate() {
        let Some(r) = resources.get(e.resource) else {
            continue;
        };
        let labels = model.labels(id);
        let loc = ctx.res_loc(r);
        match (&r.kind, &r.spec) {
            (Kind::HostEndpoint, Spec::HostEndpoint(h)) => ir.endpoints.push(Endpoint {
                kind: EndpointKind::Host,
                name: r.name.clone(),
                namespace: None,
                node: h.node.get().cloned(),
                ips: h
                    .expected_ips
                    .get()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.get().copied())
                    .collect(),
                labels,
                profiles: e.profiles.clone(),
                ports: endpoint_ports(&h.ports),
                loc,
            }),
            (Kind::Pod, Spec::Pod(p)) => {
                let name = format!("{}/{}", r.namespace.as_deref().unwrap_or("default"), r.name);
                if p.is_host_network() {
                    ctx.note(format!("pod `{name}` uses the host network: its traffic is its host's, not a workload endpoint's"));
                    continue;
                }
                let Some(node) = p.node_name.get().filter(|n| !n.is_empty()) else {
                    ctx.note(format!("pod `{name}` has no spec.nodeName (not scheduled): not a workload endpoint"));
                    continue;
                };
                let mut ips: Vec<IpAddr> =
                    p.pod_ips.iter().filter_map(|v| v.get().copied()).collect();
                if ips.is_empty() {
                    ips.extend(p.pod_ip.get().copied());
                }
                if p.is_finished() {
                    ips.clear();
                }
                if ips.is_empty() {
                    ctx.note(format!("pod `{name}` owns no IP (none in status, or finished): no peer selector matches it"));
                }
                let ports = p
                    .ports
                    .iter()
                    .filter_map(|v| v.get())
                    .filter_map(|c| {
                        Some(NamedPort {
                            name: c.name.get()?.clone(),
                            protocol: match c.protocol.get().map(String::as_str) {
                                Some("UDP") => proto::UDP,
                                Some("SCTP") => proto::SCTP,
                                _ => proto::TCP,
                            },
                            port: u16::try_from(*c.container_port.get()?).ok()?,
                        })
                    })
                    .collect();
                ir.endpoints.push(Endpoint {
                    kind: EndpointKind::Pod,
                    name: r.name.clone(),
                    namespace: r.namespace.clone().or_else(|| Some("default".into())),
                    node: Some(node.clone()),
                    ips,
                    labels,
                    profiles: e.profiles.clone(),
                    ports,
                    loc,
                });
            }
            (Kind::WorkloadEndpoint, Spec::WorkloadEndpoint(w)) => {
                let pod = w.pod.get().cloned().unwrap_or_else(|| r.name.clone());
                ir.endpoints.push(Endpoint {
                    kind: EndpointKind::Pod,
                    name: pod,
                    namespace: r.namespace.clone().or_else(|| Some("default".into())),
                    node: w.node.get().cloned(),
                    ips: w
                        .ip_networks
                        .get()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.get())
                        .map(|n| n.addr)
                        .collect(),
                    labels,
                    profiles: e.profiles.clone(),
                    ports: endpoint_ports(&w.ports),
                    loc,
                });
            }
            (Kind::GlobalNetworkSet | Kind::NetworkSet, Spec::NetworkSet(n)) => {
                ir.sets.push(NetSet {
                    kind: r.kind.name().to_string(),
                    name: r.name.clone(),
                    namespace: (r.kind == Kind::NetworkSet)
                        .then(|| r.namespace.clone().unwrap_or_else(|| "default".into())),
                    labels,
                    nets: set_nets(&n.nets),
                })
            }
            _ => {}
        }
        for n in &e.notes {
            ctx.note(format!("{}: {n}", r.display_name()));
        }
    }
    for (i, e) in ir.endpoints.iter().enumerate() {
        for ip in &e.ips {
            ir.ip_owner.entry(*ip).or_default().push(i);
        }
    }

    // FelixConfiguration `default` (per-node ones are not applied).
    for r in &resources {
        if let (Kind::FelixConfiguration, Spec::FelixConfiguration(f)) = (&r.kind, &r.spec) {
            if r.name == "default" {
                ir.felix = felix(&ctx, r, f);
            } else {
                ctx.note(format!("FelixConfiguration `{}` applies to one node and is not applied here; `default` is", r.name));
            }
        }
    }

    // Tiers.
    let mut tiers = builtin_tiers();
    for r in &resources {
        if let (Kind::Tier, Spec::Tier(t)) = (&r.kind, &r.spec) {
            let t = Tier {
                name: Arc::from(r.name.as_str()),
                order: Some(t.order_value()),
                default_pass: t.default_action_value() == ms::TierAction::Pass,
                exists: true,
            };
            match tiers.iter_mut().find(|x| x.name == t.name) {
                Some(x) => *x = t,
                None => tiers.push(t),
            }
        }
    }

    // Policies.
    let mut raw = Vec::new();
    for r in &resources {
        let built = match (&r.kind, &r.spec) {
            (k, Spec::Policy(p)) if k.is_policy() => {
                policy(&mut ctx, r, p, k.name(), r.name.clone())
            }
            (Kind::KubernetesNetworkPolicy | Kind::StagedKubernetesNetworkPolicy, _) => {
                k8s_policy::to_calico(r).and_then(|p| {
                    let kind = if r.kind == Kind::KubernetesNetworkPolicy {
                        "KubernetesNetworkPolicy"
                    } else {
                        "StagedKubernetesNetworkPolicy"
                    };
                    policy(&mut ctx, r, &p, kind, k8s_policy::calico_name(&r.name))
                })
            }
            _ => continue,
        };
        match built {
            Ok(Some(p)) => raw.push(p),
            Ok(None) => {}
            Err(e) => ctx.note(format!(
                "{} is not evaluated: Calico would reject it ({e})",
                r.display_name()
            )),
        }
    }
    for p in &raw {
        if !tiers.iter().any(|t| *t.name == *p.tier) {
            ctx.note(format!(
                "tier `{}` (named by `{}`) is not defined: its policies end in a drop",
                p.tier, p.policy.name
            ));
            tiers.push(Tier {
                name: Arc::from(p.tier.as_str()),
                order: None,
                default_pass: false,
                exists: false,
            });
        }
    }
    tiers.sort_by(|a, b| {
        b.exists
            .cmp(&a.exists)
            .then_with(|| match (a.order, b.order) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
    });
    let tier_pos: HashMap<&str, usize> = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| (&*t.name, i))
        .collect();
    let mut policies: Vec<Policy> = raw
        .into_iter()
        .filter_map(|mut p| {
            p.policy.tier = *tier_pos.get(p.tier.as_str())?;
            Some(p.policy)
        })
        .collect();
    policies.sort_by(|a, b| {
        a.tier
            .cmp(&b.tier)
            .then_with(|| {
                a.order
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.order.unwrap_or(f64::INFINITY))
            })
            .then_with(|| a.tie_key().as_bytes().cmp(b.tie_key().as_bytes()))
    });
    ir.tiers = tiers;
    ir.policies = policies;
    ir.notes = ctx.notes;
    ir
}

/// For each endpoint, the indices of the policies whose selector matches its labels, in
/// evaluation order. Uses the selector index so that 1,000 policies x 10,000 endpoints is
/// not a full cross product of evaluations.
pub fn applies(ir: &Ir) -> Vec<Vec<usize>> {
    let mut index: SelectorIndex<usize, usize> = SelectorIndex::new();
    for (i, p) in ir.policies.iter().enumerate() {
        if let Some(s) = &p.selector {
            index.insert_selector(i, s.clone());
        }
    }
    for (i, e) in ir.endpoints.iter().enumerate() {
        index.insert_endpoint(i, e.labels.iter());
    }
    (0..ir.endpoints.len())
        .map(|i| {
            let mut v: Vec<usize> = index.selectors_matching(&i).copied().collect();
            v.sort_unstable();
            v
        })
        .collect()
}
