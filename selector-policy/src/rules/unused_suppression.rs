//! `unused-suppression`: an inline suppression comment that suppresses nothing.

crate::declare_rule! {
    /// ## What it finds
    /// A `# calico-selector: ignore[rule-id, ...]` comment naming a rule that has no finding
    /// on the comment's line or the line below it, a rule id that does not exist (with "did
    /// you mean"), or a `# calico-selector:` comment that cannot be read.
    ///
    /// ## Why it matters
    /// A suppression outlives the problem it silenced; left in place, it would hide the
    /// next, real finding on that line. A misspelt id suppresses nothing at all.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   # calico-selector: ignore[unknown-label]
    ///   selector: app == "checkout"   # `app` is carried by the pods: nothing to silence
    /// ```
    ///
    /// ## Fix
    /// Remove the comment, or the ids in it that no longer suppress anything; correct a
    /// misspelt id.
    pub RULE = "unused-suppression", Warning, "An inline `# calico-selector: ignore[...]` comment that suppresses nothing.";
}
