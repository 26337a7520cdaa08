//! The Calico resource model: typed resources with spans ([`spec`], [`value`]), how they
//! are read ([`read`]), what policies and peers select (SPEC section 8, [`select`]), the
//! profiles endpoints inherit from ([`profiles`]) and Kubernetes policies in Calico form
//! ([`k8s_policy`]).

pub mod k8s_policy;
pub mod profiles;
pub mod read;
pub mod select;
pub mod spec;
pub mod value;

pub use profiles::{Profile, ProfileOrigin, Profiles};
pub use select::{
    entity_selector, peer_selector, policy_selector, spec_policy_selector, Endpoint, Model,
    PeerSelector, SelectorCache, AUTOMATIC_LABELS, NS_LABEL, ORCH_LABEL, SA_LABEL,
};
pub use spec::*;
pub use value::{DecodeIssue, IssueKind, Raw, RawKind, Spanned, Val, ValExt};

#[cfg(test)]
mod tests;
