//! Kubernetes and Calico name formats (DNS-1123, qualified names, label values, port names).

fn is_label_char(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}

/// A DNS-1123 label: 1–63 lowercase alphanumerics or `-`, starting and ending alphanumeric.
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| is_label_char(*c))
        && b.first().is_some_and(|c| *c != b'-')
        && b.last().is_some_and(|c| *c != b'-')
}

/// A DNS-1123 subdomain: at most 253 chars, dot-separated DNS-1123 labels.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A GlobalNetworkPolicy name: `label` or `label.label`.
pub fn is_global_policy_name(s: &str) -> bool {
    s.len() <= 253 && {
        let parts: Vec<&str> = s.split('.').collect();
        parts.len() <= 2 && parts.iter().all(|p| is_dns1123_label(p))
    }
}

/// A NetworkPolicy name: `label`, `label.label`, or `knp.default.<subdomain>` /
/// `ossg.default.<subdomain>`.
pub fn is_policy_name(s: &str) -> bool {
    if is_global_policy_name(s) {
        return true;
    }
    ["knp.default.", "ossg.default."]
        .iter()
        .any(|p| s.strip_prefix(p).is_some_and(is_dns1123_subdomain))
        && s.len() <= 253
}

fn is_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A qualified name (label and annotation keys): `[prefix/]name`, prefix a DNS-1123
/// subdomain, name 1–63 alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric.
pub fn is_qualified_name(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && is_name_part(name),
        None => is_name_part(s),
    }
}

/// A label value: empty, or like a qualified name's name part.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_name_part(s)
}

/// A Kubernetes port name: 1–15 lowercase alphanumerics or `-`, at least one letter, no
/// `-` at either end and no `--`.
pub fn is_port_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 15
        && b.iter().all(|c| is_label_char(*c))
        && b.iter().any(u8::is_ascii_lowercase)
        && b.first().is_some_and(|c| *c != b'-')
        && b.last().is_some_and(|c| *c != b'-')
        && !s.contains("--")
}

/// A host interface name: `*`, or 1–15 of `[a-zA-Z0-9_.-]`.
pub fn is_interface_name(s: &str) -> bool {
    s == "*"
        || (!s.is_empty()
            && s.len() <= 15
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_formats() {
        assert!(is_dns1123_label("a-1"));
        assert!(!is_dns1123_label("A"));
        assert!(!is_dns1123_label("-a"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(is_dns1123_subdomain("a.b-c"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(is_global_policy_name("security.allow"));
        assert!(!is_global_policy_name("a.b.c"));
        assert!(is_policy_name("knp.default.a.b.c"));
        assert!(!is_policy_name("x.default.a.b"));
        assert!(is_qualified_name("kubernetes.io/metadata.name"));
        assert!(is_qualified_name("app_Name.x"));
        assert!(!is_qualified_name("a/b/c"));
        assert!(!is_qualified_name("Bad.Prefix/x"));
        assert!(is_label_value(""));
        assert!(!is_label_value("has space"));
        assert!(is_port_name("http-alt"));
        assert!(!is_port_name("80"));
        assert!(!is_port_name("HTTP"));
        assert!(!is_port_name("a--b"));
        assert!(!is_port_name("sixteen-chars-xx"));
        assert!(is_interface_name("*"));
        assert!(is_interface_name("eth0.100"));
        assert!(!is_interface_name("eth 0"));
    }
}
