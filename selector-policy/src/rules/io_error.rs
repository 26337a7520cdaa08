//! `io-error`: a path that cannot be read.

crate::declare_rule! {
    /// ## What it finds
    /// A path given to `lint` that cannot be read: it does not exist, it is not readable,
    /// a directory cannot be listed, or a file is not UTF-8 text.
    ///
    /// ## Why it matters
    /// A file that is not read is not checked: a mistyped path must not look like a clean run.
    /// The command exits with 2.
    ///
    /// ## Example
    /// ```text
    /// $ calico-selector lint polcies/
    /// polcies/: error[io-error]: cannot read `polcies/`: No such file or directory
    /// ```
    ///
    /// ## Fix
    /// Check the path and its permissions; save the file as UTF-8.
    pub RULE = "io-error", Error, "A path that cannot be read.";
}
