//! The typed spec of every resource kind, with Calico's and Kubernetes' defaults.
//!
//! Field names follow the manifests (`notNets` is `not_nets`). Optional fields are
//! `Option<Val<T>>`: `None` when absent or `null`, the value or its raw text when present.
//! Defaults are methods (`PolicySpec::tier_name`), so "absent" and "set to the default"
//! stay distinguishable for lint rules.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::Range;

use super::value::{Spanned, Val, ValExt};

/// A map of strings (labels, annotations) in file order; values that are not strings are kept raw.
pub type StringMap = Val<Vec<(Spanned<String>, Val<String>)>>;

/// A list whose items decode one by one.
pub type List<T> = Val<Vec<Val<T>>>;

/// `metadata` of any resource.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// `metadata.name`.
    pub name: Option<Val<String>>,
    /// `metadata.namespace`.
    pub namespace: Option<Val<String>>,
    /// `metadata.labels`, in file order; values that are not strings are kept raw.
    pub labels: Option<StringMap>,
    /// `metadata.annotations`, in file order.
    pub annotations: Option<StringMap>,
}

/// A rule action (API spelling is case-sensitive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Ends evaluation with allow.
    Allow,
    /// Ends evaluation with drop.
    Deny,
    /// Skips the rest of the tier.
    Pass,
    /// Logs and goes on.
    Log,
}

impl Action {
    /// Every action, as spelled in manifests.
    pub const NAMES: &'static [&'static str] = &["Allow", "Deny", "Pass", "Log"];

    /// The action of an exact spelling.
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "Allow" => Action::Allow,
            "Deny" => Action::Deny,
            "Pass" => Action::Pass,
            "Log" => Action::Log,
            _ => return None,
        })
    }

    /// Calico's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Action::Allow => "Allow",
            Action::Deny => "Deny",
            Action::Pass => "Pass",
            Action::Log => "Log",
        }
    }

    /// Whether a matching rule with this action ends evaluation of its policy.
    pub fn ends(self) -> bool {
        !matches!(self, Action::Log)
    }
}

/// A policy type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// `Ingress`.
    Ingress,
    /// `Egress`.
    Egress,
}

impl PolicyType {
    /// Both spellings.
    pub const NAMES: &'static [&'static str] = &["Ingress", "Egress"];

    /// The type of an exact spelling.
    pub fn parse(s: &str) -> Option<PolicyType> {
        match s {
            "Ingress" => Some(PolicyType::Ingress),
            "Egress" => Some(PolicyType::Egress),
            _ => None,
        }
    }
}

/// A staged policy's `stagedAction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StagedAction {
    /// Stage the policy as written (the default).
    Set,
    /// Stage the deletion of the enforced policy of the same name.
    Delete,
    /// `Learn`.
    Learn,
    /// `Ignore`.
    Ignore,
}

impl StagedAction {
    /// Every spelling.
    pub const NAMES: &'static [&'static str] = &["Set", "Delete", "Learn", "Ignore"];

    /// The action of an exact spelling.
    pub fn parse(s: &str) -> Option<StagedAction> {
        Some(match s {
            "Set" => StagedAction::Set,
            "Delete" => StagedAction::Delete,
            "Learn" => StagedAction::Learn,
            "Ignore" => StagedAction::Ignore,
            _ => return None,
        })
    }
}

/// A protocol: one of Calico's names, or a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `TCP`, `UDP`, `ICMP`, `ICMPv6`, `SCTP` or `UDPLite` (exact case).
    Named(&'static str),
    /// A number (0 decodes but is invalid).
    Number(u8),
}

impl Protocol {
    /// Calico's protocol names with their numbers.
    pub const NAMES: &'static [(&'static str, u8)] = &[
        ("TCP", 6),
        ("UDP", 17),
        ("ICMP", 1),
        ("ICMPv6", 58),
        ("SCTP", 132),
        ("UDPLite", 136),
    ];

    /// The protocol of an exact name, or of a decimal number in a string.
    pub fn parse(s: &str) -> Option<Protocol> {
        if let Some((n, _)) = Protocol::NAMES.iter().find(|(n, _)| *n == s) {
            return Some(Protocol::Named(n));
        }
        s.parse::<u8>().ok().map(Protocol::Number)
    }

    /// The IP protocol number.
    pub fn number(self) -> u8 {
        match self {
            Protocol::Number(n) => n,
            Protocol::Named(name) => Protocol::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(0, |(_, v)| *v),
        }
    }

    /// Whether rules with this protocol may list ports (TCP, UDP, SCTP).
    pub fn supports_ports(self) -> bool {
        matches!(self.number(), 6 | 17 | 132)
    }

    /// Whether this is ICMP (1) or ICMPv6 (58).
    pub fn is_icmp(self) -> bool {
        matches!(self.number(), 1 | 58)
    }
}

/// A port entry: a number, an inclusive range, or a named port.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Port {
    /// `80` or `"80:90"` (a single number has `lo == hi`); 0 and `lo > hi` decode but are invalid.
    Range {
        /// First port.
        lo: u16,
        /// Last port, inclusive.
        hi: u16,
    },
    /// A named port (`http`).
    Named(String),
}

impl Port {
    /// Reads a port string: a number, `lo:hi`, or a name; `None` for malformed numbers.
    pub fn parse(s: &str) -> Option<Port> {
        let num = |t: &str| -> Option<u16> {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            t.parse().ok()
        };
        if let Some((a, b)) = s.split_once(':') {
            return Some(Port::Range {
                lo: num(a)?,
                hi: num(b)?,
            });
        }
        if s.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            let n = num(s)?;
            return Some(Port::Range { lo: n, hi: n });
        }
        Some(Port::Named(s.to_string()))
    }

    /// Whether a packet's port number matches (named ports never match a bare number).
    pub fn contains(&self, port: u16) -> bool {
        matches!(self, Port::Range { lo, hi } if *lo <= port && port <= *hi)
    }
}

/// An IP address or CIDR as written in `nets`, `expectedIPs` or network sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Net {
    /// The address part.
    pub addr: IpAddr,
    /// The prefix length, when written.
    pub prefix: Option<u8>,
}

impl Net {
    /// Reads `10.0.0.0/8`, `10.0.0.1`, `fd00::/64`; `None` when malformed or the prefix is too long.
    pub fn parse(s: &str) -> Option<Net> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let prefix = match p {
            None => None,
            Some(p) => {
                if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 3 {
                    return None;
                }
                let n: u8 = p.parse().ok()?;
                if n > Net::max_prefix_of(addr) {
                    return None;
                }
                Some(n)
            }
        };
        Some(Net { addr, prefix })
    }

    fn max_prefix_of(addr: IpAddr) -> u8 {
        if addr.is_ipv4() {
            32
        } else {
            128
        }
    }

    /// 4 or 6.
    pub fn version(&self) -> u8 {
        if self.addr.is_ipv4() {
            4
        } else {
            6
        }
    }

    /// The prefix length, a bare address counting as a full-length prefix.
    pub fn prefix_len(&self) -> u8 {
        self.prefix.unwrap_or(Net::max_prefix_of(self.addr))
    }

    /// The network with host bits cleared (what Calico keeps for network sets).
    pub fn masked(&self) -> Net {
        let len = self.prefix_len();
        let addr = match self.addr {
            IpAddr::V4(a) => {
                let bits = u32::from(a);
                let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
                IpAddr::V4((bits & mask).into())
            }
            IpAddr::V6(a) => {
                let bits = u128::from(a);
                let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
                IpAddr::V6((bits & mask).into())
            }
        };
        Net {
            addr,
            prefix: Some(len),
        }
    }

    /// Whether address bits beyond the prefix are set.
    pub fn has_host_bits(&self) -> bool {
        self.masked().addr != self.addr
    }

    /// Whether this is `0.0.0.0/0` or `::/0`.
    pub fn is_everything(&self) -> bool {
        self.prefix == Some(0)
    }

    /// Whether `ip` lies inside (a bare address contains only itself).
    pub fn contains(&self, ip: IpAddr) -> bool {
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        Net {
            addr: ip,
            prefix: Some(self.prefix_len()),
        }
        .masked()
        .addr
            == self.masked().addr
    }
}

impl std::fmt::Display for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.prefix {
            Some(p) => write!(f, "{}/{p}", self.addr),
            None => write!(f, "{}", self.addr),
        }
    }
}

/// `icmp` / `notICMP`.
#[derive(Clone, Debug, Default)]
pub struct IcmpFields {
    /// `type` (0–254 valid).
    pub icmp_type: Option<Val<i64>>,
    /// `code` (0–255 valid; needs `type`).
    pub code: Option<Val<i64>>,
}

/// `serviceAccounts` of an entity rule.
#[derive(Clone, Debug, Default)]
pub struct ServiceAccountMatch {
    /// `names`.
    pub names: Option<List<String>>,
    /// `selector` (on service-account labels).
    pub selector: Option<Val<String>>,
}

/// `services` of an entity rule.
#[derive(Clone, Debug, Default)]
pub struct ServiceMatch {
    /// `name` (required).
    pub name: Option<Val<String>>,
    /// `namespace` (defaults to the policy's; required in global policies).
    pub namespace: Option<Val<String>>,
}

/// A rule's `source` or `destination`.
#[derive(Clone, Debug, Default)]
pub struct EntityRule {
    /// Byte range of the whole mapping.
    pub span: Range<usize>,
    /// `nets`.
    pub nets: Option<List<Net>>,
    /// `notNets`.
    pub not_nets: Option<List<Net>>,
    /// `selector`.
    pub selector: Option<Val<String>>,
    /// `notSelector`.
    pub not_selector: Option<Val<String>>,
    /// `namespaceSelector`.
    pub namespace_selector: Option<Val<String>>,
    /// `ports`.
    pub ports: Option<List<Port>>,
    /// `notPorts`.
    pub not_ports: Option<List<Port>>,
    /// `serviceAccounts`.
    pub service_accounts: Option<Val<ServiceAccountMatch>>,
    /// `services`.
    pub services: Option<Val<ServiceMatch>>,
}

/// One path of an `http` match: exactly one of `exact` / `prefix`.
#[derive(Clone, Debug, Default)]
pub struct HttpPath {
    /// `exact`.
    pub exact: Option<Val<String>>,
    /// `prefix`.
    pub prefix: Option<Val<String>>,
}

/// A rule's `http` match (ignored by the L3/L4 dataplane).
#[derive(Clone, Debug, Default)]
pub struct HttpMatch {
    /// `methods`.
    pub methods: Option<List<String>>,
    /// `paths`.
    pub paths: Option<List<HttpPath>>,
}

/// One Calico rule (policies and profiles).
#[derive(Clone, Debug, Default)]
pub struct RuleSpec {
    /// Byte range of the rule mapping.
    pub span: Range<usize>,
    /// `action` (required).
    pub action: Option<Val<Action>>,
    /// `protocol`.
    pub protocol: Option<Val<Protocol>>,
    /// `notProtocol`.
    pub not_protocol: Option<Val<Protocol>>,
    /// `icmp`.
    pub icmp: Option<Val<IcmpFields>>,
    /// `notICMP`.
    pub not_icmp: Option<Val<IcmpFields>>,
    /// `ipVersion` (4 or 6).
    pub ip_version: Option<Val<i64>>,
    /// `source`.
    pub source: Option<Val<EntityRule>>,
    /// `destination`.
    pub destination: Option<Val<EntityRule>>,
    /// `http`.
    pub http: Option<Val<HttpMatch>>,
    /// `metadata.annotations`.
    pub metadata: Option<Val<BTreeMap<String, String>>>,
}

/// The spec of GlobalNetworkPolicy, NetworkPolicy and their staged forms.
#[derive(Clone, Debug, Default)]
pub struct PolicySpec {
    /// `tier`.
    pub tier: Option<Val<String>>,
    /// `order`.
    pub order: Option<Val<f64>>,
    /// `selector`.
    pub selector: Option<Val<String>>,
    /// `namespaceSelector` (global policies only).
    pub namespace_selector: Option<Val<String>>,
    /// `serviceAccountSelector`.
    pub service_account_selector: Option<Val<String>>,
    /// `types`.
    pub types: Option<List<PolicyType>>,
    /// `ingress`.
    pub ingress: Option<Val<Vec<Val<RuleSpec>>>>,
    /// `egress`.
    pub egress: Option<Val<Vec<Val<RuleSpec>>>>,
    /// `doNotTrack` (global only).
    pub do_not_track: Option<Val<bool>>,
    /// `preDNAT` (global only).
    pub pre_dnat: Option<Val<bool>>,
    /// `applyOnForward` (global only).
    pub apply_on_forward: Option<Val<bool>>,
    /// `performanceHints`.
    pub performance_hints: Option<List<String>>,
    /// `stagedAction` (staged kinds only).
    pub staged_action: Option<Val<StagedAction>>,
}

/// The rules of a list that decoded.
pub fn rules_of(list: &Option<Val<Vec<Val<RuleSpec>>>>) -> impl Iterator<Item = &RuleSpec> {
    list.get()
        .into_iter()
        .flatten()
        .filter_map(|r| r.value.as_ref().ok())
}

/// The types a `types` / `policyTypes` list spells out, skipping entries that did not decode.
pub fn written_types(list: &Option<List<PolicyType>>) -> Vec<PolicyType> {
    list.get()
        .into_iter()
        .flatten()
        .filter_map(|t| t.get().copied())
        .collect()
}

/// (ingress, egress) as a types list writes them; `None` when it names no type, so the
/// kind's own defaulting applies.
fn written_directions(list: &Option<List<PolicyType>>) -> Option<(bool, bool)> {
    let written = written_types(list);
    (!written.is_empty()).then(|| {
        (
            written.contains(&PolicyType::Ingress),
            written.contains(&PolicyType::Egress),
        )
    })
}

impl PolicySpec {
    /// The tier, `default` when empty.
    pub fn tier_name(&self) -> &str {
        match self.tier.get() {
            Some(t) if !t.is_empty() => t,
            _ => "default",
        }
    }

    /// The order; `None` sorts after every ordered policy of the tier (+Inf).
    pub fn order_value(&self) -> Option<f64> {
        self.order.get().copied()
    }

    /// The effective types (ingress, egress): as written, or Calico's default (`[Ingress]`
    /// unless there are egress rules and no ingress rules, both when both have rules).
    pub fn effective_types(&self) -> (bool, bool) {
        if let Some(dirs) = written_directions(&self.types) {
            return dirs;
        }
        let has_in = rules_of(&self.ingress).next().is_some();
        let has_eg = rules_of(&self.egress).next().is_some();
        match (has_in, has_eg) {
            (false, true) => (false, true),
            (true, true) => (true, true),
            _ => (true, false),
        }
    }

    /// `stagedAction`, `Set` when absent.
    pub fn staged_action_value(&self) -> StagedAction {
        self.staged_action
            .get()
            .copied()
            .unwrap_or(StagedAction::Set)
    }

    /// The value of a boolean flag, false when absent.
    pub fn flag(v: &Option<Val<bool>>) -> bool {
        v.get().copied().unwrap_or(false)
    }
}

/// A tier's `defaultAction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierAction {
    /// Drop what no policy of the tier decided (the default).
    Deny,
    /// Go on to the next tier.
    Pass,
}

/// The built-in tiers at Calico HEAD: name, order, default action.
pub const BUILTIN_TIERS: &[(&str, f64, TierAction)] = &[
    ("kube-admin", 1_000.0, TierAction::Pass),
    ("default", 1_000_000.0, TierAction::Deny),
    ("kube-baseline", 10_000_000.0, TierAction::Pass),
];

/// The order of a tier that has none (since v3.29).
pub const DEFAULT_TIER_ORDER: f64 = 1_000_000.0;

/// A Tier's spec.
#[derive(Clone, Debug, Default)]
pub struct TierSpec {
    /// `order`.
    pub order: Option<Val<f64>>,
    /// `defaultAction` (`Deny` or `Pass`).
    pub default_action: Option<Val<TierAction>>,
}

impl TierSpec {
    /// The order, 1 000 000 when absent.
    pub fn order_value(&self) -> f64 {
        self.order.get().copied().unwrap_or(DEFAULT_TIER_ORDER)
    }

    /// The default action, `Deny` when absent (anything but `Pass` acts as `Deny`).
    pub fn default_action_value(&self) -> TierAction {
        self.default_action
            .get()
            .copied()
            .unwrap_or(TierAction::Deny)
    }
}

/// A named port of a HostEndpoint or WorkloadEndpoint.
#[derive(Clone, Debug, Default)]
pub struct EndpointPort {
    /// `name`.
    pub name: Option<Val<String>>,
    /// `protocol` (TCP, UDP or SCTP).
    pub protocol: Option<Val<Protocol>>,
    /// `port`.
    pub port: Option<Val<i64>>,
}

/// A HostEndpoint's spec.
#[derive(Clone, Debug, Default)]
pub struct HostEndpointSpec {
    /// `node` (required).
    pub node: Option<Val<String>>,
    /// `interfaceName` (`*` = every interface without a more specific HEP).
    pub interface_name: Option<Val<String>>,
    /// `expectedIPs`: the only IPs a peer selector matches for this HEP.
    pub expected_ips: Option<List<IpAddr>>,
    /// `profiles`, in order.
    pub profiles: Option<List<String>>,
    /// `ports`.
    pub ports: Option<Val<Vec<Val<EndpointPort>>>>,
}

/// A WorkloadEndpoint's spec (the fields policy evaluation uses, plus the rest for decoding).
#[derive(Clone, Debug, Default)]
pub struct WorkloadEndpointSpec {
    /// `orchestrator`.
    pub orchestrator: Option<Val<String>>,
    /// `workload`.
    pub workload: Option<Val<String>>,
    /// `node`.
    pub node: Option<Val<String>>,
    /// `pod`.
    pub pod: Option<Val<String>>,
    /// `endpoint`.
    pub endpoint: Option<Val<String>>,
    /// `serviceAccountName`.
    pub service_account_name: Option<Val<String>>,
    /// `ipNetworks`.
    pub ip_networks: Option<List<Net>>,
    /// `profiles`.
    pub profiles: Option<List<String>>,
    /// `interfaceName`.
    pub interface_name: Option<Val<String>>,
    /// `ports`.
    pub ports: Option<Val<Vec<Val<EndpointPort>>>>,
}

/// A GlobalNetworkSet's or NetworkSet's spec.
#[derive(Clone, Debug, Default)]
pub struct NetworkSetSpec {
    /// `nets`: IPs or CIDRs, host bits allowed (masked by Calico).
    pub nets: Option<List<Net>>,
}

/// A Profile's spec.
#[derive(Clone, Debug, Default)]
pub struct ProfileSpec {
    /// `ingress`.
    pub ingress: Option<Val<Vec<Val<RuleSpec>>>>,
    /// `egress`.
    pub egress: Option<Val<Vec<Val<RuleSpec>>>>,
    /// `labelsToApply`.
    pub labels_to_apply: Option<StringMap>,
}

/// A failsafe entry: protocol, port and optional net.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtoPort {
    /// `tcp`, `udp` or `sctp` as written (Felix compares case-insensitively).
    pub protocol: String,
    /// The port.
    pub port: u16,
    /// The CIDR, empty for any.
    pub net: String,
}

/// An entry of a failsafe list as written.
#[derive(Clone, Debug, Default)]
pub struct ProtoPortSpec {
    /// `protocol` (empty means TCP per the API comment).
    pub protocol: Option<Val<String>>,
    /// `port`.
    pub port: Option<Val<i64>>,
    /// `net`.
    pub net: Option<Val<String>>,
}

/// Felix's default inbound failsafe ports (unchanged v3.27 to HEAD).
pub const DEFAULT_FAILSAFE_INBOUND: &[(&str, u16)] = &[
    ("tcp", 22),
    ("udp", 68),
    ("tcp", 179),
    ("tcp", 2379),
    ("tcp", 2380),
    ("tcp", 5473),
    ("tcp", 6443),
    ("tcp", 6666),
    ("tcp", 6667),
];

/// Felix's default outbound failsafe ports.
pub const DEFAULT_FAILSAFE_OUTBOUND: &[(&str, u16)] = &[
    ("udp", 53),
    ("udp", 67),
    ("tcp", 179),
    ("tcp", 2379),
    ("tcp", 2380),
    ("tcp", 5473),
    ("tcp", 6443),
    ("tcp", 6666),
    ("tcp", 6667),
];

/// `defaultEndpointToHostAction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointToHostAction {
    /// `Drop` (Felix's built-in default).
    Drop,
    /// `Accept`.
    Accept,
    /// `Return` (hand over to the host's own rules).
    Return,
}

/// The FelixConfiguration fields that change verdicts; other fields are not read.
#[derive(Clone, Debug, Default)]
pub struct FelixConfigurationSpec {
    /// `failsafeInboundHostPorts` (`[]` disables them).
    pub failsafe_inbound: Option<Val<Vec<Val<ProtoPortSpec>>>>,
    /// `failsafeOutboundHostPorts`.
    pub failsafe_outbound: Option<Val<Vec<Val<ProtoPortSpec>>>>,
    /// `defaultEndpointToHostAction` (matched case-insensitively).
    pub default_endpoint_to_host_action: Option<Val<EndpointToHostAction>>,
    /// `allowVXLANPacketsFromWorkloads`.
    pub allow_vxlan_from_workloads: Option<Val<bool>>,
    /// `allowIPIPPacketsFromWorkloads`.
    pub allow_ipip_from_workloads: Option<Val<bool>>,
    /// `vxlanPort`.
    pub vxlan_port: Option<Val<i64>>,
}

fn proto_ports(
    list: &Option<Val<Vec<Val<ProtoPortSpec>>>>,
    default: &[(&str, u16)],
) -> Vec<ProtoPort> {
    match list.get() {
        None => default
            .iter()
            .map(|(p, n)| ProtoPort {
                protocol: (*p).to_string(),
                port: *n,
                net: String::new(),
            })
            .collect(),
        Some(items) => items
            .iter()
            .filter_map(|i| i.get())
            .filter_map(|pp| {
                let port = u16::try_from(*pp.port.get()?).ok()?;
                let protocol = match pp.protocol.get().map(|s| s.to_ascii_lowercase()) {
                    None => "tcp".to_string(),
                    Some(s) if s.is_empty() => "tcp".to_string(),
                    Some(s) => s,
                };
                Some(ProtoPort {
                    protocol,
                    port,
                    net: pp.net.get().cloned().unwrap_or_default(),
                })
            })
            .collect(),
    }
}

impl FelixConfigurationSpec {
    /// Inbound failsafes in force (Felix's defaults when absent).
    pub fn failsafe_inbound_ports(&self) -> Vec<ProtoPort> {
        proto_ports(&self.failsafe_inbound, DEFAULT_FAILSAFE_INBOUND)
    }

    /// Outbound failsafes in force.
    pub fn failsafe_outbound_ports(&self) -> Vec<ProtoPort> {
        proto_ports(&self.failsafe_outbound, DEFAULT_FAILSAFE_OUTBOUND)
    }

    /// `defaultEndpointToHostAction`, `Drop` when absent.
    pub fn endpoint_to_host_action(&self) -> EndpointToHostAction {
        self.default_endpoint_to_host_action
            .get()
            .copied()
            .unwrap_or(EndpointToHostAction::Drop)
    }

    /// `vxlanPort`, 4789 when absent.
    pub fn vxlan_port_value(&self) -> u16 {
        self.vxlan_port
            .get()
            .and_then(|p| u16::try_from(*p).ok())
            .unwrap_or(4789)
    }

    /// `allowVXLANPacketsFromWorkloads`, false when absent.
    pub fn allows_vxlan_from_workloads(&self) -> bool {
        self.allow_vxlan_from_workloads
            .get()
            .copied()
            .unwrap_or(false)
    }

    /// `allowIPIPPacketsFromWorkloads`, false when absent.
    pub fn allows_ipip_from_workloads(&self) -> bool {
        self.allow_ipip_from_workloads
            .get()
            .copied()
            .unwrap_or(false)
    }
}

/// A container (or init container) port of a pod.
#[derive(Clone, Debug, Default)]
pub struct ContainerPort {
    /// `name` (only named ports become Calico named ports).
    pub name: Option<Val<String>>,
    /// `protocol` (Kubernetes default `TCP`).
    pub protocol: Option<Val<String>>,
    /// `containerPort`.
    pub container_port: Option<Val<i64>>,
}

/// The parts of a Kubernetes Pod that Calico reads.
#[derive(Clone, Debug, Default)]
pub struct PodSpec {
    /// `spec.serviceAccountName` (Kubernetes default `default`; `serviceAccount` is its old alias).
    pub service_account_name: Option<Val<String>>,
    /// `spec.nodeName` (empty: not scheduled, not yet a workload endpoint).
    pub node_name: Option<Val<String>>,
    /// `spec.hostNetwork` (host-networked pods are host traffic, not workload endpoints).
    pub host_network: Option<Val<bool>>,
    /// Ports of containers then init containers.
    pub ports: Vec<Val<ContainerPort>>,
    /// `status.podIP`.
    pub pod_ip: Option<Val<IpAddr>>,
    /// `status.podIPs[].ip`.
    pub pod_ips: Vec<Val<IpAddr>>,
    /// `status.phase`.
    pub phase: Option<Val<String>>,
}

impl PodSpec {
    /// Whether the pod is host-networked.
    pub fn is_host_network(&self) -> bool {
        self.host_network.get().copied().unwrap_or(false)
    }

    /// Whether the pod has finished (`Succeeded` or `Failed`): it then owns no IP.
    pub fn is_finished(&self) -> bool {
        matches!(
            self.phase.get().map(String::as_str),
            Some("Succeeded" | "Failed")
        )
    }

    /// The pod's IPs (`podIPs`, else `podIP`), none when finished.
    pub fn ips(&self) -> Vec<IpAddr> {
        if self.is_finished() {
            return Vec::new();
        }
        let mut out: Vec<IpAddr> = self
            .pod_ips
            .iter()
            .filter_map(|v| v.get().copied())
            .collect();
        if out.is_empty() {
            out.extend(self.pod_ip.get().copied());
        }
        out
    }

    /// Named container ports as (name, protocol upper-case, port).
    pub fn named_ports(&self) -> Vec<(String, String, u16)> {
        self.ports
            .iter()
            .filter_map(|p| p.get())
            .filter_map(|p| {
                let name = p.name.get().filter(|n| !n.is_empty())?.clone();
                let proto = p
                    .protocol
                    .get()
                    .map_or_else(|| "TCP".to_string(), |s| s.to_ascii_uppercase());
                let port = u16::try_from(*p.container_port.get()?).ok()?;
                Some((name, proto, port))
            })
            .collect()
    }
}

/// A Kubernetes label selector object (`matchLabels` / `matchExpressions`).
#[derive(Clone, Debug, Default)]
pub struct LabelSelector {
    /// Byte range of the mapping.
    pub span: Range<usize>,
    /// `matchLabels`.
    pub match_labels: Vec<(Spanned<String>, Val<String>)>,
    /// `matchExpressions`.
    pub match_expressions: Vec<Val<LabelRequirement>>,
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, Default)]
pub struct LabelRequirement {
    /// `key`.
    pub key: Option<Val<String>>,
    /// `operator` (`In`, `NotIn`, `Exists`, `DoesNotExist`).
    pub operator: Option<Val<String>>,
    /// `values`.
    pub values: Vec<Val<String>>,
}

/// `ipBlock` of a Kubernetes policy peer.
#[derive(Clone, Debug, Default)]
pub struct IpBlock {
    /// `cidr`.
    pub cidr: Option<Val<Net>>,
    /// `except`.
    pub except: Vec<Val<Net>>,
}

/// A Kubernetes policy peer (`from` / `to` entry).
#[derive(Clone, Debug, Default)]
pub struct K8sPeer {
    /// Byte range of the entry.
    pub span: Range<usize>,
    /// `podSelector`.
    pub pod_selector: Option<Val<LabelSelector>>,
    /// `namespaceSelector`.
    pub namespace_selector: Option<Val<LabelSelector>>,
    /// `ipBlock`.
    pub ip_block: Option<Val<IpBlock>>,
}

/// A Kubernetes policy port.
#[derive(Clone, Debug, Default)]
pub struct K8sPort {
    /// `protocol` (default TCP).
    pub protocol: Option<Val<String>>,
    /// `port`: a number or a name.
    pub port: Option<Val<Port>>,
    /// `endPort`.
    pub end_port: Option<Val<i64>>,
}

/// A Kubernetes policy rule (ingress or egress).
#[derive(Clone, Debug, Default)]
pub struct K8sRule {
    /// Byte range of the rule.
    pub span: Range<usize>,
    /// `from` (ingress) or `to` (egress); `None` when absent (any peer).
    pub peers: Option<Vec<Val<K8sPeer>>>,
    /// `ports`; `None` when absent (any port, any protocol).
    pub ports: Option<Vec<Val<K8sPort>>>,
}

/// The spec of a Kubernetes NetworkPolicy or a StagedKubernetesNetworkPolicy.
#[derive(Clone, Debug, Default)]
pub struct K8sPolicySpec {
    /// `podSelector`.
    pub pod_selector: Option<Val<LabelSelector>>,
    /// `policyTypes`.
    pub policy_types: Option<List<PolicyType>>,
    /// `ingress`.
    pub ingress: Option<Val<Vec<Val<K8sRule>>>>,
    /// `egress`.
    pub egress: Option<Val<Vec<Val<K8sRule>>>>,
    /// `stagedAction` (staged kind only).
    pub staged_action: Option<Val<StagedAction>>,
}

impl K8sPolicySpec {
    /// Effective (ingress, egress) after Kubernetes' defaulting: as written, else `Ingress`
    /// plus `Egress` when egress rules exist.
    pub fn effective_types(&self) -> (bool, bool) {
        if let Some(dirs) = written_directions(&self.policy_types) {
            return dirs;
        }
        let has_eg = self.egress.get().is_some_and(|v| !v.is_empty());
        (true, has_eg)
    }
}

/// The typed spec of a resource.
#[derive(Clone, Debug, Default)]
pub enum Spec {
    /// A Calico policy (global, namespaced, staged).
    Policy(PolicySpec),
    /// A Kubernetes NetworkPolicy or StagedKubernetesNetworkPolicy.
    KubernetesPolicy(K8sPolicySpec),
    /// A Tier.
    Tier(TierSpec),
    /// A HostEndpoint.
    HostEndpoint(HostEndpointSpec),
    /// A WorkloadEndpoint.
    WorkloadEndpoint(WorkloadEndpointSpec),
    /// A GlobalNetworkSet or NetworkSet.
    NetworkSet(NetworkSetSpec),
    /// A Profile.
    Profile(ProfileSpec),
    /// A FelixConfiguration.
    FelixConfiguration(FelixConfigurationSpec),
    /// A Pod.
    Pod(PodSpec),
    /// Namespace and ServiceAccount have no spec fields that matter.
    #[default]
    None,
}
