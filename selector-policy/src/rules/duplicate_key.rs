//! Rule `duplicate-key`: a key written twice in one mapping.

use crate::model::value::IssueKind;
use crate::resource::Resource;
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// A key written twice in the same mapping, e.g. two `ingress:` lists in one spec.
    ///
    /// ## Why it matters
    /// Strict decoding (`calicoctl`, `kubectl` server-side field validation) rejects the
    /// resource; lenient decoders keep only the last value, silently dropping the first
    /// (and with it, perhaps, the rules you meant to apply).
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   ingress: [{action: Allow}]
    ///   ingress: [{action: Deny}]
    /// ```
    ///
    /// ## Fix
    /// Merge the two into one key.
    pub DUPLICATE_KEY = "duplicate-key", Error, "A key written twice in one mapping (strict decoding rejects it; lenient decoding keeps the last).";
}

/// Reports every repeated key in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    for issue in &res.decode {
        let IssueKind::DuplicateKey { name } = &issue.kind else {
            continue;
        };
        cx.report(
            &DUPLICATE_KEY,
            res,
            issue.span.clone(),
            format!(
                "key `{name}` is written twice in this mapping: only the last one would be kept"
            ),
            "merge both values under one key".to_string(),
        );
    }
}
