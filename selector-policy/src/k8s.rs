//! Kubernetes label-selector strings (`app=web,tier in (a, b)`) and their Calico equivalents.

use crate::fmt::quote_value as quote;

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
}

fn is_value(v: &str) -> bool {
    v.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn is_key(k: &str) -> bool {
    !k.is_empty() && k.chars().all(is_key_char)
}

/// Splits at commas that are not inside parentheses.
fn split_requirements(s: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s.get(start..i)?);
                start = i + 1;
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    out.push(s.get(start..)?);
    Some(out)
}

fn set(values: &str) -> Option<String> {
    let inner = values.trim().strip_prefix('(')?.strip_suffix(')')?;
    let mut vals: Vec<String> = Vec::new();
    for v in inner.split(',') {
        let v = v.trim();
        if !is_value(v) {
            return None;
        }
        vals.push(quote(v));
    }
    Some(format!("{{{}}}", vals.join(", ")))
}

fn requirement(r: &str) -> Option<String> {
    let r = r.trim();
    if let Some(k) = r.strip_prefix('!') {
        let k = k.trim();
        return is_key(k).then(|| format!("!has({k})"));
    }
    if is_key(r) {
        return Some(format!("has({r})"));
    }
    for (op, calico) in [("!=", "!="), ("==", "=="), ("=", "==")] {
        if let Some((k, v)) = r.split_once(op) {
            let (k, v) = (k.trim(), v.trim());
            return (is_key(k) && is_value(v)).then(|| format!("{k} {calico} {}", quote(v)));
        }
    }
    let key_end = r.find(|c: char| !is_key_char(c))?;
    let (k, rest) = r.split_at(key_end);
    let rest = rest.trim_start();
    if let Some(vals) = rest.strip_prefix("notin") {
        return Some(format!("{k} not in {}", set(vals)?));
    }
    if let Some(vals) = rest.strip_prefix("in") {
        return Some(format!("{k} in {}", set(vals)?));
    }
    None
}

/// The Calico selector equivalent to a Kubernetes label-selector string, when `s` is one.
pub fn equivalent(s: &str) -> Option<String> {
    if s.trim().is_empty() {
        return None;
    }
    let parts: Option<Vec<String>> = split_requirements(s)?
        .into_iter()
        .map(requirement)
        .collect();
    Some(parts?.join(" && "))
}

#[cfg(test)]
mod tests {
    use super::equivalent;

    #[test]
    fn translates() {
        assert_eq!(
            equivalent("app=web, tier in (a, b),!x").as_deref(),
            Some("app == \"web\" && tier in {\"a\", \"b\"} && !has(x)")
        );
        assert_eq!(
            equivalent("env notin (prod)").as_deref(),
            Some("env not in {\"prod\"}")
        );
        assert_eq!(equivalent("a == \"b\""), None);
        assert_eq!(equivalent("a && b"), None);
        assert_eq!(equivalent(""), None);
    }
}
