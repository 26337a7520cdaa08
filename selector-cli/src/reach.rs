//! `calico-selector reach`: every source the input knows, with its verdict.

use std::path::PathBuf;

use selector_policy::eval::{text, Ref};

use crate::{print, to_json, Format};

/// `reach`: exit 0 (the answer is the output).
pub fn reach(
    paths: &[PathBuf],
    to: &str,
    port: u32,
    protocol: &str,
    format: Format,
) -> Result<u8, String> {
    let cluster = crate::flow::load(paths)?;
    let to = Ref::parse(to).map_err(|e| e.to_string())?;
    let r = cluster
        .reach(&to, port, protocol)
        .map_err(|e| e.to_string())?;
    match format {
        Format::Json => print(&to_json(&r)?)?,
        _ => print(&text::reach(&r))?,
    }
    Ok(0)
}
