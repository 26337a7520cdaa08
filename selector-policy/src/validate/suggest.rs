//! "Did you mean" for names: Damerau-Levenshtein distance (`strsim`), so a swap of two
//! letters (`sorce` → `source`, `teir` → `tier`) counts as one edit.

/// The closest candidate within a small distance (about a third of the name's length, at
/// most 3), preferring a case-insensitive exact match; `None` when nothing is close.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).clamp(1, 3);
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let d = if c.to_lowercase() == lower {
                0
            } else {
                strsim::damerau_levenshtein(&lower, &c.to_lowercase())
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The candidate equal to `name` but for letter case (`allow` → `Allow`).
pub fn case_of<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(name) && *c != name)
}

/// `` `a`, `b` or `c` ``.
pub fn one_of(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names() {
        let keys = ["source", "destination", "selector", "tier"];
        assert_eq!(did_you_mean("sorce", keys), Some("source"));
        assert_eq!(did_you_mean("selectr", keys), Some("selector"));
        assert_eq!(did_you_mean("teir", keys), Some("tier"));
        assert_eq!(did_you_mean("Source", keys), Some("source"));
        assert_eq!(did_you_mean("banana", keys), None);
        assert_eq!(case_of("allow", ["Allow", "Deny"]), Some("Allow"));
        assert_eq!(case_of("Allow", ["Allow", "Deny"]), None);
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
