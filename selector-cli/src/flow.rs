//! `calico-selector flow|reach|policies`: load the manifests, ask the evaluator, print.

use std::path::PathBuf;

use selector_policy::eval::{text, Cluster, Ref, Verdict};

use crate::{print, to_json, Format};

/// Loads PATHS applied together, in order (a directory's files in name order).
pub fn load(paths: &[PathBuf]) -> Result<Cluster, String> {
    Cluster::from_paths(paths).map_err(|e| e.to_string())
}

fn reference(s: &str) -> Result<Ref, String> {
    Ref::parse(s).map_err(|e| e.to_string())
}

/// `flow`: exit 0 when allowed, 1 when denied.
pub fn flow(
    paths: &[PathBuf],
    from: &str,
    to: &str,
    port: u32,
    protocol: &str,
    format: Format,
) -> Result<u8, String> {
    let cluster = load(paths)?;
    let v = cluster
        .flow(&reference(from)?, &reference(to)?, port, protocol)
        .map_err(|e| e.to_string())?;
    match format {
        Format::Json => print(&to_json(&v)?)?,
        _ => print(&text::flow(&v))?,
    }
    Ok(if v.verdict == Verdict::Allow { 0 } else { 1 })
}
