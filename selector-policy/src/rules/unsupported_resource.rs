//! Rule `unsupported-resource`: kinds that cannot be created in the Kubernetes datastore.

use crate::resource::{Kind, Resource};
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// A `Profile` or `WorkloadEndpoint` manifest.
    ///
    /// ## Why it matters
    /// With the Kubernetes datastore (the usual install) Calico refuses to create Profiles:
    /// the only profiles are generated from Namespaces (`kns.<ns>`) and ServiceAccounts
    /// (`ksa.<ns>.<sa>`), plus the built-in `projectcalico-default-allow`. Workload
    /// endpoints are made from Pods by Calico itself. The manifest therefore has no effect
    /// there (it does with the etcd datastore).
    ///
    /// ## Example
    /// ```yaml
    /// kind: Profile
    /// metadata: {name: allow-web}
    /// ```
    ///
    /// ## Fix
    /// Use a NetworkPolicy or GlobalNetworkPolicy; label Namespaces and ServiceAccounts to
    /// give endpoints inherited labels.
    pub UNSUPPORTED_RESOURCE = "unsupported-resource", Warning, "A Profile or WorkloadEndpoint manifest, which the Kubernetes datastore does not accept.";
}

/// Reports kinds the Kubernetes datastore refuses.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    let why = match res.kind {
        Kind::Profile => "Profiles cannot be created in the Kubernetes datastore (only generated `kns.`/`ksa.` profiles and `projectcalico-default-allow` exist there)",
        Kind::WorkloadEndpoint => "WorkloadEndpoints are made from Pods by Calico; the Kubernetes datastore does not accept them as manifests",
        _ => return,
    };
    cx.report(
        &UNSUPPORTED_RESOURCE,
        res,
        res.kind_span.clone(),
        format!("{} `{}`: {why}", res.kind.name(), res.name),
        "use policies and Namespace/ServiceAccount labels instead (this is fine with the etcd datastore)".to_string(),
    );
}
