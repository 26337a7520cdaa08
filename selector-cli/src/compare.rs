//! `calico-selector compare A B`: how two selectors relate, with a witness label set for
//! each region that is not empty. The algebra is `selector_core::Selector::compare`.

use crate::{print, to_json, Format, EXIT_USAGE};
use selector_core::{Selector, Witness};

/// Runs `compare`: exit 0 after printing the relation, 2 when a selector does not parse.
pub(crate) fn compare(a: &str, b: &str, format: Format) -> Result<u8, String> {
    if format == Format::Sarif {
        return Err("`--format sarif` is only for `lint`".into());
    }
    let mut parsed = Vec::new();
    for (name, src) in [("A", a), ("B", b)] {
        match Selector::parse(src) {
            Ok(s) => parsed.push(s),
            Err(e) => {
                eprintln!("selector {name} is invalid:\n{e}");
                return Ok(EXIT_USAGE);
            }
        }
    }
    let [a, b] = parsed.as_slice() else {
        return Err("two selectors expected".into());
    };
    let c = a.compare(b);
    let text = if format == Format::Human {
        let mut s = format!(
            "A: {}\nB: {}\nrelation: {}\n",
            a.canonical(),
            b.canonical(),
            c.relation.symbol()
        );
        for (region, w) in [
            ("A and B:", &c.both),
            ("A not B:", &c.only_a),
            ("B not A:", &c.only_b),
        ] {
            s.push_str(&format!("{region} {}\n", labels(w)?));
        }
        s
    } else {
        to_json(&serde_json::json!({
            "a": a.canonical(),
            "b": b.canonical(),
            "relation": c.relation,
            "relation_text": c.relation.symbol(),
            "both": c.both,
            "only_a": c.only_a,
            "only_b": c.only_b,
        }))?
    };
    print(&text)?;
    Ok(0)
}

/// A witness as a JSON object on one line (`{}` is the empty label set), or `none`.
fn labels(w: &Option<Witness>) -> Result<String, String> {
    match w {
        Some(w) => serde_json::to_string(w).map_err(|e| e.to_string()),
        None => Ok("none".into()),
    }
}
