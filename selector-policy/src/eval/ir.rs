//! The resolved form the evaluator works on: endpoints with IPs and label sets, network sets
//! with parsed CIDRs, tiers and policies in evaluation order, rules with compiled selectors.
//!
//! Built once by [`super::lower`]; immutable afterwards and free of the text it came from
//! except for the rule locations used in traces.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Arc;

use selector_core::Selector;

/// A rule's or policy's action: the model's own type, already checked.
pub use crate::model::spec::Action;

/// Where a resource or rule was written: file, 1-based line, and that line's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    /// The file name as given.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// The line's text (without the line break).
    pub text: Arc<str>,
    /// Index of the file in the input.
    pub file_index: usize,
    /// Byte range in that file (the rule, or the resource's name).
    pub span: std::ops::Range<usize>,
}

/// An IP network with host bits cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr {
    /// The network address.
    pub addr: IpAddr,
    /// Prefix length (0-32 or 0-128).
    pub prefix: u8,
}

fn ip_bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn width(ip: IpAddr) -> u8 {
    if ip.is_ipv4() {
        32
    } else {
        128
    }
}

fn mask(bits: u128, prefix: u8, width: u8) -> u128 {
    let host = u32::from(width.saturating_sub(prefix));
    if host >= 128 {
        0
    } else {
        let m = !0u128 << host;
        bits & m
    }
}

fn from_bits(bits: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(std::net::Ipv4Addr::from(u32::try_from(bits).unwrap_or(0)))
    } else {
        IpAddr::V6(std::net::Ipv6Addr::from(bits))
    }
}

impl Cidr {
    /// Parses `a.b.c.d/n`, `x::/n` or a bare address (a /32 or /128). Host bits are cleared.
    pub fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (s.parse::<IpAddr>().ok()?, None),
        };
        let w = width(addr);
        let prefix = prefix.unwrap_or(w);
        if prefix > w {
            return None;
        }
        Some(Cidr::new(addr, prefix))
    }

    /// The network of `addr` with `prefix` bits.
    pub fn new(addr: IpAddr, prefix: u8) -> Cidr {
        let w = width(addr);
        let prefix = prefix.min(w);
        Cidr {
            addr: from_bits(mask(ip_bits(addr), prefix, w), addr.is_ipv4()),
            prefix,
        }
    }

    /// Whether `ip` lies in this network (never across families).
    pub fn contains(&self, ip: IpAddr) -> bool {
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        mask(ip_bits(ip), self.prefix, width(ip)) == ip_bits(self.addr)
    }

    /// Whether this is an IPv4 network.
    pub fn is_v4(&self) -> bool {
        self.addr.is_ipv4()
    }

    /// The first address after the network, if any (for splitting address space).
    pub fn end_exclusive(&self) -> Option<IpAddr> {
        let w = width(self.addr);
        let host = u32::from(w - self.prefix.min(w));
        let size = if host >= 128 {
            None
        } else {
            Some(1u128 << host)
        };
        let next = ip_bits(self.addr).checked_add(size?)?;
        let max = if self.is_v4() {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
        (next <= max).then(|| from_bits(next, self.is_v4()))
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// IP protocol numbers the CLI names.
pub mod proto {
    /// ICMP.
    pub const ICMP: u8 = 1;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// IPIP encapsulation.
    pub const IPIP: u8 = 4;
    /// ICMPv6.
    pub const ICMPV6: u8 = 58;
    /// SCTP.
    pub const SCTP: u8 = 132;
    /// UDPLite.
    pub const UDPLITE: u8 = 136;

    /// Calico's protocol names (exact case) and numbers 1-255.
    pub fn from_calico(s: &str) -> Option<u8> {
        match s {
            "TCP" => Some(TCP),
            "UDP" => Some(UDP),
            "ICMP" => Some(ICMP),
            "ICMPv6" => Some(ICMPV6),
            "SCTP" => Some(SCTP),
            "UDPLite" => Some(UDPLITE),
            _ => s.parse::<u8>().ok().filter(|n| *n > 0),
        }
    }

    /// Whether packets of this protocol carry ports Calico can match.
    pub fn has_ports(p: u8) -> bool {
        matches!(p, TCP | UDP | SCTP | UDPLITE)
    }

    /// Display name.
    pub fn name(p: u8) -> String {
        match p {
            TCP => "TCP".into(),
            UDP => "UDP".into(),
            ICMP => "ICMP".into(),
            ICMPV6 => "ICMPv6".into(),
            SCTP => "SCTP".into(),
            UDPLITE => "UDPLite".into(),
            n => n.to_string(),
        }
    }
}

/// One entry of a rule's `ports`/`notPorts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortMatch {
    /// Inclusive range (a single port is `lo == hi`).
    Range(u16, u16),
    /// A named port.
    Named(String),
}

/// What a rule peer selects by labels, after SPEC section 8 (positive part and `notSelector`).
#[derive(Clone, Debug, Default)]
pub struct PeerSel {
    /// The combined positive selector, if any.
    pub selector: Option<Selector>,
    /// The `notSelector`, if any.
    pub not_selector: Option<Selector>,
}

impl PeerSel {
    /// Whether the peer constrains labels at all.
    pub fn is_set(&self) -> bool {
        self.selector.is_some() || self.not_selector.is_some()
    }
}

/// A rule's `source` or `destination`.
#[derive(Clone, Debug, Default)]
pub struct Entity {
    /// `nets`; empty = no constraint.
    pub nets: Vec<Cidr>,
    /// `notNets`.
    pub not_nets: Vec<Cidr>,
    /// Whether `nets` was written non-empty (its entries may all be of the other family).
    pub nets_set: bool,
    /// Whether `notNets` was written non-empty.
    pub not_nets_set: bool,
    /// Selection by labels.
    pub sel: PeerSel,
    /// `ports`; empty = no constraint.
    pub ports: Vec<PortMatch>,
    /// `notPorts`.
    pub not_ports: Vec<PortMatch>,
    /// `services` was given (not evaluated: see the module doc).
    pub services: bool,
}

/// An ICMP type with an optional code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icmp {
    /// Type.
    pub kind: u8,
    /// Code, if given.
    pub code: Option<u8>,
}

/// One rule of a policy or profile.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The action.
    pub action: Action,
    /// `protocol`.
    pub protocol: Option<u8>,
    /// `notProtocol`.
    pub not_protocol: Option<u8>,
    /// `icmp`.
    pub icmp: Option<Icmp>,
    /// `notICMP`.
    pub not_icmp: Option<Icmp>,
    /// `ipVersion`.
    pub ip_version: Option<u8>,
    /// `source`.
    pub source: Entity,
    /// `destination`.
    pub destination: Entity,
    /// `http` was given (not evaluated at L3/L4).
    pub http: bool,
    /// Why this rule can never match (an invalid field), if so: it fails closed.
    pub broken: Option<String>,
    /// Where it was written.
    pub loc: Option<Loc>,
}

impl Rule {
    /// A rule that matches everything with `action`.
    pub fn any(action: Action) -> Rule {
        Rule {
            action,
            protocol: None,
            not_protocol: None,
            icmp: None,
            not_icmp: None,
            ip_version: None,
            source: Entity::default(),
            destination: Entity::default(),
            http: false,
            broken: None,
            loc: None,
        }
    }
}

/// Which pipeline stage of a host endpoint a policy belongs to (POLICY.md 5.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// `doNotTrack`.
    Untracked,
    /// `preDNAT`.
    PreDnat,
    /// Everything else.
    Normal,
}

/// A policy, resolved.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Resource kind (`GlobalNetworkPolicy`, `NetworkPolicy`, `KubernetesNetworkPolicy`, staged kinds).
    pub kind: Arc<str>,
    /// Name.
    pub name: Arc<str>,
    /// Namespace (namespaced kinds).
    pub namespace: Option<Arc<str>>,
    /// Index into [`Ir::tiers`].
    pub tier: usize,
    /// `order`; `None` = after every ordered policy.
    pub order: Option<f64>,
    /// The combined selector; `None` = the selector was invalid: applies to nothing.
    pub selector: Option<Selector>,
    /// Governs ingress.
    pub ingress: bool,
    /// Governs egress.
    pub egress: bool,
    /// Staged: selects, never decides.
    pub staged: bool,
    /// Pipeline stage.
    pub stage: Stage,
    /// `applyOnForward`.
    pub apply_on_forward: bool,
    /// Ingress rules.
    pub ingress_rules: Vec<Rule>,
    /// Egress rules.
    pub egress_rules: Vec<Rule>,
    /// Where the resource starts.
    pub loc: Option<Loc>,
}

impl Policy {
    /// The rules of a direction.
    pub fn rules(&self, d: Dir) -> &[Rule] {
        match d {
            Dir::Ingress => &self.ingress_rules,
            Dir::Egress => &self.egress_rules,
        }
    }

    /// Whether it governs direction `d`.
    pub fn governs(&self, d: Dir) -> bool {
        match d {
            Dir::Ingress => self.ingress,
            Dir::Egress => self.egress,
        }
    }

    /// `name/namespace/kind`, the tie-break key (POLICY.md 3.3).
    pub fn tie_key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.name,
            self.namespace.as_deref().unwrap_or(""),
            self.kind
        )
    }

    /// `name` or `namespace/name`.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.to_string(),
        }
    }
}

/// Direction at an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Into the endpoint.
    Ingress,
    /// Out of the endpoint.
    Egress,
}

impl Dir {
    /// `ingress` or `egress`.
    pub fn name(self) -> &'static str {
        match self {
            Dir::Ingress => "ingress",
            Dir::Egress => "egress",
        }
    }
}

/// A tier.
#[derive(Clone, Debug)]
pub struct Tier {
    /// Name.
    pub name: Arc<str>,
    /// `order`; `None` only for a tier named by a policy but never defined.
    pub order: Option<f64>,
    /// `defaultAction: Pass`.
    pub default_pass: bool,
    /// Defined by a Tier resource or built in.
    pub exists: bool,
}

/// A profile.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Name.
    pub name: String,
    /// Ingress rules.
    pub ingress: Vec<Rule>,
    /// Egress rules.
    pub egress: Vec<Rule>,
    /// Where it was written (user profiles).
    pub loc: Option<Loc>,
}

/// Host endpoint or pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointKind {
    /// A HostEndpoint.
    Host,
    /// A pod or WorkloadEndpoint.
    Pod,
}

/// A named port of an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedPort {
    /// Name.
    pub name: String,
    /// Protocol number.
    pub protocol: u8,
    /// Port.
    pub port: u16,
}

/// A Calico-managed endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Host or pod.
    pub kind: EndpointKind,
    /// Name.
    pub name: String,
    /// Namespace (pods).
    pub namespace: Option<String>,
    /// Node (host endpoints' `node`, pods' `spec.nodeName`).
    pub node: Option<String>,
    /// The IPs it owns (HEP `expectedIPs`, pod IPs).
    pub ips: Vec<IpAddr>,
    /// Its full label set (own + inherited + automatic).
    pub labels: BTreeMap<String, String>,
    /// Profiles in order.
    pub profiles: Vec<String>,
    /// Named ports.
    pub ports: Vec<NamedPort>,
    /// Where it was written.
    pub loc: Option<Loc>,
}

impl Endpoint {
    /// `hostendpoint/NAME` or `pod/NS/NAME`.
    pub fn reference(&self) -> String {
        match self.kind {
            EndpointKind::Host => format!("hostendpoint/{}", self.name),
            EndpointKind::Pod => format!(
                "pod/{}/{}",
                self.namespace.as_deref().unwrap_or("default"),
                self.name
            ),
        }
    }
}

/// A GlobalNetworkSet or NetworkSet.
#[derive(Clone, Debug)]
pub struct NetSet {
    /// `GlobalNetworkSet` or `NetworkSet`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Namespace (NetworkSet).
    pub namespace: Option<String>,
    /// Full label set.
    pub labels: BTreeMap<String, String>,
    /// Its networks.
    pub nets: Vec<Cidr>,
}

impl NetSet {
    /// `globalnetworkset/NAME` or `networkset/NS/NAME`.
    pub fn reference(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("networkset/{ns}/{}", self.name),
            None => format!("globalnetworkset/{}", self.name),
        }
    }
}

/// What Felix does with traffic from a pod to its own host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointToHost {
    /// Drop (Felix's default).
    Drop,
    /// Accept.
    Accept,
    /// Hand back to the host's INPUT rules.
    Return,
}

/// A failsafe entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failsafe {
    /// Protocol number.
    pub protocol: u8,
    /// Port.
    pub port: u16,
    /// Optional peer network.
    pub net: Option<Cidr>,
}

impl std::fmt::Display for Failsafe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}",
            proto::name(self.protocol).to_lowercase(),
            self.port
        )?;
        if let Some(n) = &self.net {
            write!(f, " from/to {n}")?;
        }
        Ok(())
    }
}

/// The FelixConfiguration settings the evaluator uses.
#[derive(Clone, Debug)]
pub struct Felix {
    /// `failsafeInboundHostPorts`.
    pub failsafe_in: Vec<Failsafe>,
    /// `failsafeOutboundHostPorts`.
    pub failsafe_out: Vec<Failsafe>,
    /// `defaultEndpointToHostAction`.
    pub endpoint_to_host: EndpointToHost,
    /// `allowVXLANPacketsFromWorkloads`.
    pub allow_vxlan: bool,
    /// `allowIPIPPacketsFromWorkloads`.
    pub allow_ipip: bool,
    /// `vxlanPort`.
    pub vxlan_port: u16,
    /// Where the configuration came from, if from the input.
    pub loc: Option<Loc>,
}

fn fs(protocol: u8, port: u16) -> Failsafe {
    Failsafe {
        protocol,
        port,
        net: None,
    }
}

impl Default for Felix {
    /// Felix's built-in defaults (POLICY.md 5.1, 6.3).
    fn default() -> Felix {
        use proto::{TCP, UDP};
        let common = [179, 2379, 2380, 5473, 6443, 6666, 6667].map(|p| fs(TCP, p));
        let mut failsafe_in = vec![fs(TCP, 22), fs(UDP, 68)];
        failsafe_in.extend(common.iter().cloned());
        let mut failsafe_out = vec![fs(UDP, 53), fs(UDP, 67)];
        failsafe_out.extend(common.iter().cloned());
        Felix {
            failsafe_in,
            failsafe_out,
            endpoint_to_host: EndpointToHost::Drop,
            allow_vxlan: false,
            allow_ipip: false,
            vxlan_port: 4789,
            loc: None,
        }
    }
}

/// The whole input, resolved.
#[derive(Clone, Debug, Default)]
pub struct Ir {
    /// Host endpoints and pods.
    pub endpoints: Vec<Endpoint>,
    /// Network sets.
    pub sets: Vec<NetSet>,
    /// Tiers in evaluation order.
    pub tiers: Vec<Tier>,
    /// Policies, sorted by tier then order then tie key.
    pub policies: Vec<Policy>,
    /// Profiles by name.
    pub profiles: HashMap<String, Profile>,
    /// Felix settings.
    pub felix: Felix,
    /// Endpoints owning each IP, in input order.
    pub ip_owner: HashMap<IpAddr, Vec<usize>>,
    /// Facts assumed while loading (missing namespaces, defaults), for the output.
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_mask_contain_and_end() {
        let c = Cidr::parse("10.1.2.3/16").unwrap();
        assert_eq!(c.to_string(), "10.1.0.0/16");
        assert!(c.contains("10.1.255.255".parse().unwrap()));
        assert!(!c.contains("10.2.0.0".parse().unwrap()));
        assert!(!c.contains("::1".parse().unwrap()));
        assert_eq!(c.end_exclusive(), Some("10.2.0.0".parse().unwrap()));
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().end_exclusive(), None);
        assert_eq!(Cidr::parse("fd00::5").unwrap().prefix, 128);
        assert!(Cidr::parse("::/0")
            .unwrap()
            .contains("fd00::1".parse().unwrap()));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("x/8"), None);
    }

    #[test]
    fn protocols_by_name_and_number() {
        assert_eq!(proto::from_calico("TCP"), Some(proto::TCP));
        assert_eq!(proto::from_calico("6"), Some(proto::TCP));
        assert_eq!(proto::from_calico("tcp"), None);
        assert_eq!(proto::from_calico("0"), None);
        assert!(proto::has_ports(proto::SCTP) && !proto::has_ports(proto::ICMP));
    }
}
