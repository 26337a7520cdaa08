//! `calico-selector policies`: what applies to one endpoint, per direction, in order.

use std::path::PathBuf;

use selector_policy::eval::{text, Ref};

use crate::{print, to_json, Format};

/// `policies`: exit 0.
pub fn policies(paths: &[PathBuf], endpoint: &str, format: Format) -> Result<u8, String> {
    let cluster = crate::flow::load(paths)?;
    let ep = Ref::parse(endpoint).map_err(|e| e.to_string())?;
    let a = cluster.policies(&ep).map_err(|e| e.to_string())?;
    match format {
        Format::Json => print(&to_json(&a)?)?,
        _ => print(&text::policies(&a))?,
    }
    Ok(0)
}
