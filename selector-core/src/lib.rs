//! The Calico label-selector language, exactly as Calico's parser behaves.
//!
//! ```
//! use selector_core::Selector;
//! use std::collections::HashMap;
//!
//! let s = Selector::parse(r#"running-calico == "true" && !has(ignore)"#)?;
//! let labels = HashMap::from([("running-calico".to_string(), "true".to_string())]);
//! assert!(s.matches(&labels));
//! assert_eq!(s.canonical(), r#"(running-calico == "true" && !has(ignore))"#);
//! assert!(s.unique_id().starts_with("s:"));
//! # Ok::<(), selector_core::ParseError>(())
//! ```
//!
//! Data flows one way: text → [`mod@parser`] (byte-level recognisers in [`lexer`]) → a flat
//! tree of ranges of the source (crate-private, its buffers reused between parses) → in one
//! walk, the canonical text and a flat [`compile::Program`] run by [`vm`]. The owned syntax
//! tree ([`ast`]), the unique id ([`id`]) and label restrictions ([`restrict`]) are made on
//! demand; [`mod@print`] prints any [`Expr`]; [`walk`] is the reference evaluator.
//!
//! # Limits
//! - Parentheses nest at most [`NESTING_LIMIT`] (256) levels on every target (native, Python,
//!   WASM); the 257th `(` is an [`ErrorKind::NestingTooDeep`] error, never a stack overflow.
//!   A run of `!` is counted in a loop, not nested: a million `!` parse in about 5 ms.
//!   Labels are at most 512 bytes ([`lexer::MAX_LABEL_LEN`]).
//! - Offsets are 32-bit inside a compiled selector: selectors of 4 GiB or more are not
//!   supported. There is no other size limit: parsing, validation, printing, the unique id, compiling,
//!   label restrictions, `explain` and evaluation take time and memory linear in the input.
//!   Measured in release mode on x86-64: a 1 MB selector of about 50,700 distinct labels
//!   parses and compiles in about 24 ms and evaluates in about 1.4 ms; per input byte,
//!   validation costs about 3 ns, parse + compile 16-24 ns, restrictions about 13 ns, flat from
//!   48 KB to 3.6 MB (`tests/limits.rs` holds the inputs).
//! - Nothing in this crate panics on any input; the cargo-fuzz targets in `fuzz/` check
//!   this continuously, and every input that ever failed is replayed by `cargo test`.

pub mod algebra;
pub mod ast;
pub mod compile;
pub mod error;
mod explain;
pub mod id;
pub mod index;
pub mod interned;
pub mod labels;
pub mod lexer;
pub mod parser;
pub mod print;
pub mod restrict;
pub mod rewrite;
#[cfg(test)]
mod test_strategies;
mod tree;
pub mod vm;
pub mod walk;

pub use algebra::{Comparison, Relation, Witness};
pub use ast::Expr;
pub use error::{ErrorKind, ParseError};
pub use explain::Explanation;
pub use labels::{LabelLookup, Labels, Layered};
pub use lexer::{Token, TokenKind, Tokens};
pub use parser::{tokens, validate, NESTING_LIMIT};
pub use restrict::LabelRestriction;

use compile::Program;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

/// A parsed, compiled selector. Cheap to clone (shared), `Send + Sync`; equality, order and
/// hashing follow the canonical text.
///
/// Parsing produces the canonical text and the compiled program; the syntax tree
/// ([`Selector::ast`]) and the unique id are made on first use and then kept. That cache is
/// interior mutability that never changes equality, order or hash, but clippy's
/// `mutable_key_type` lint cannot know it and flags `HashMap<Selector, _>` and
/// `HashSet<Selector>`: allow the lint there, or add `selector_core::Selector` to
/// `ignore-interior-mutability` in `clippy.toml` (as this workspace does).
#[derive(Clone)]
pub struct Selector {
    inner: Arc<Inner>,
}

/// What a selector holds. Parsing builds the program (whose text buffer holds the canonical
/// text and then the source text) inside this one allocation, about 500 bytes; the [`Expr`]
/// (parsed again from the source) and the unique id are made on first use, since most
/// selectors are only ever evaluated.
struct Inner {
    program: Program,
    /// Boxed, so that the selector's own allocation stays small until the tree is asked for.
    expr: OnceLock<Box<Expr>>,
    unique_id: OnceLock<id::UniqueId>,
}

impl Selector {
    /// Parses a selector.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("env in {'prod', 'qa'}").unwrap();
    /// assert_eq!(s.canonical(), r#"env in {"prod", "qa"}"#);
    /// assert!(selector_core::Selector::parse("env in (prod, qa)").is_err());
    /// ```
    pub fn parse(source: &str) -> Result<Selector, ParseError> {
        // The program is filled inside the selector's allocation, not moved there (a new
        // `Arc` has no other owner, so `get_mut` always gives it).
        let mut inner = Arc::new(Inner {
            expr: OnceLock::new(),
            program: Program::empty(),
            unique_id: OnceLock::new(),
        });
        parser::with_tree(source, |tree| {
            if let Some(inner) = Arc::get_mut(&mut inner) {
                inner.program.fill(tree, source, source);
            }
        })?;
        Ok(Selector { inner })
    }

    /// Builds a selector from a syntax tree (for example one produced by a rewrite).
    /// Its source text is [`print::reparseable`]: the canonical text, except that nested
    /// negations keep their parentheses, so the source parses back to this very tree.
    /// Spans still refer to the text the tree came from.
    ///
    /// The tree should be one the parser could build: `&&`/`||` chains of two or more
    /// operands, label names of label characters, values without both quote characters, and
    /// nesting within [`NESTING_LIMIT`]. Other trees still evaluate correctly, but their
    /// canonical text may not parse again, and a tree nested tens of thousands deep can
    /// exhaust the stack (printing, compiling and explaining recurse over it).
    ///
    /// ```
    /// let a = selector_core::Selector::parse("a == 'x'").unwrap();
    /// let b = selector_core::Selector::from_expr(a.ast().clone());
    /// assert_eq!(a, b);
    /// ```
    pub fn from_expr(expr: Expr) -> Selector {
        let (tree, text) = tree::Tree::from_expr(&expr);
        let mut source = String::new();
        tree::Printer::new(&tree, &text, &mut source)
            .reparseable()
            .print();
        let program = Program::from_tree(&tree, &text, &source);
        Selector::from_inner(Inner {
            expr: OnceLock::from(Box::new(expr)),
            program,
            unique_id: OnceLock::new(),
        })
    }

    fn from_inner(inner: Inner) -> Selector {
        Selector {
            inner: Arc::new(inner),
        }
    }

    /// Whether the selector matches `labels` (any [`Labels`] such as a `HashMap` or `BTreeMap`).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let s = selector_core::Selector::parse("tier != 'db'").unwrap();
    /// assert!(s.matches(&BTreeMap::<String, String>::new()));
    /// assert!(!s.matches(&[("tier", "db")]));
    /// ```
    #[inline]
    pub fn matches<L: LabelLookup + ?Sized>(&self, labels: &L) -> bool {
        self.inner.program.run(labels)
    }

    /// The canonical text (Calico's `String()`); `Display` prints the same.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("((a=='x'))").unwrap();
    /// assert_eq!(s.canonical(), r#"a == "x""#);
    /// assert_eq!(s.to_string(), r#"a == "x""#);
    /// ```
    pub fn canonical(&self) -> &str {
        self.inner.program.canonical()
    }

    /// The unique id (Calico's `UniqueID()`): `s:` and the base64url SHA-224 of the canonical text.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("").unwrap();
    /// assert_eq!(s.unique_id(), "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug");
    /// ```
    pub fn unique_id(&self) -> &str {
        self.inner
            .unique_id
            .get_or_init(|| id::UniqueId::of(self.canonical()))
            .as_str()
    }

    /// The text the selector was parsed from.
    ///
    /// ```
    /// assert_eq!(selector_core::Selector::parse(" has(a) ").unwrap().source(), " has(a) ");
    /// ```
    pub fn source(&self) -> &str {
        self.inner.program.source()
    }

    /// The syntax tree.
    ///
    /// ```
    /// use selector_core::Expr;
    /// let s = selector_core::Selector::parse("has(a)").unwrap();
    /// assert!(matches!(s.ast(), Expr::Has { label, .. } if label == "a"));
    /// ```
    pub fn ast(&self) -> &Expr {
        self.inner.expr.get_or_init(|| {
            // The source parsed once, so it parses again to the same tree; the `all()`
            // fallback is never taken.
            Box::new(parser::parse_expr(self.source()).unwrap_or(Expr::All {
                span: ast::Span::new(0, 0),
            }))
        })
    }

    /// The syntax tree if it is built already: always for a selector made by
    /// [`Selector::from_expr`], whose source need not parse back to that tree.
    pub(crate) fn built_ast(&self) -> Option<&Expr> {
        self.inner.expr.get().map(|expr| &**expr)
    }

    /// Runs `f` on the selector's flat tree and the text its ranges refer to, without
    /// building an [`Expr`]: the source parsed again in reused buffers, or the tree of the
    /// `Expr` when that is built already (always for [`Selector::from_expr`], whose source
    /// need not parse back to it).
    pub(crate) fn with_tree<R>(&self, f: impl Fn(&tree::Tree, &str) -> R) -> R {
        if self.built_ast().is_none() {
            // The source parsed once, so it parses again; the fallback below is never taken.
            if let Ok(out) = parser::with_tree(self.source(), |t| f(t, self.source())) {
                return out;
            }
        }
        let (tree, text) = tree::Tree::from_expr(self.ast());
        f(&tree, &text)
    }

    /// The compiled program.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("a == 'x' && b == 'y'").unwrap();
    /// assert_eq!(s.program().len(), 2);
    /// ```
    pub fn program(&self) -> &Program {
        &self.inner.program
    }

    /// Label restrictions (Calico's `LabelRestrictions()`), per label name.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("a in {'y', 'x'} && !has(b)").unwrap();
    /// let r = s.label_restrictions();
    /// assert!(r["a"].must_be_present);
    /// assert_eq!(r["a"].must_have_one_of, Some(vec!["x".to_string(), "y".to_string()]));
    /// assert!(r["b"].must_be_absent);
    /// ```
    pub fn label_restrictions(&self) -> BTreeMap<String, LabelRestriction> {
        self.with_tree(|tree, text| restrict::owned(restrict::of_tree(tree, text)))
    }

    /// Whether the label restrictions show that no label set can match.
    ///
    /// ```
    /// use selector_core::Selector;
    /// assert!(Selector::parse("a == 'x' && a == 'y'").unwrap().can_never_match());
    /// assert!(!Selector::parse("a == 'x' || a == 'y'").unwrap().can_never_match());
    /// ```
    pub fn can_never_match(&self) -> bool {
        self.with_tree(restrict::can_never_match)
    }

    /// The verdict of every sub-expression on `labels`: why the selector does or does not match.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("a == 'x' || has(b)").unwrap();
    /// let e = s.explain(&[("b", "")]);
    /// assert!(e.matched);
    /// assert_eq!(e.children.iter().map(|c| c.matched).collect::<Vec<_>>(), [false, true]);
    /// ```
    pub fn explain<L: LabelLookup + ?Sized>(&self, labels: &L) -> Explanation {
        explain::explain(self.ast(), labels)
    }

    /// The distinct label names the selector reads, sorted.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("b == 'x' || has(a) || b != 'y'").unwrap();
    /// assert_eq!(s.label_names(), ["a", "b"]);
    /// ```
    pub fn label_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.inner.program.label_names().collect();
        names.sort_unstable();
        names
    }

    /// A copy with every label name replaced by `f(name)`. Names that are not made of label
    /// characters (`[a-zA-Z0-9_./-]`) give a selector whose canonical text does not parse.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("has(a)").unwrap();
    /// assert_eq!(s.map_labels(|l| l.to_uppercase()).canonical(), "has(A)");
    /// ```
    pub fn map_labels(&self, mut f: impl FnMut(&str) -> String) -> Selector {
        Selector::from_expr(rewrite::map_labels(self.ast(), &mut f))
    }

    /// A copy with `prefix` put before every label name (Calico's prefix rewrite, used to
    /// turn a namespace selector into a test of the `pcns.` labels an endpoint inherits).
    ///
    /// ```
    /// let s = selector_core::Selector::parse("team == 'a' && has(x)").unwrap();
    /// assert_eq!(s.with_label_prefix("pcns.").canonical(), r#"(pcns.team == "a" && has(pcns.x))"#);
    /// ```
    pub fn with_label_prefix(&self, prefix: &str) -> Selector {
        self.map_labels(|l| format!("{prefix}{l}"))
    }
}

impl FromStr for Selector {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Selector::parse(s)
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.canonical())
    }
}

impl fmt::Debug for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Selector({:?})", self.canonical())
    }
}

impl PartialEq for Selector {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Eq for Selector {}

impl Hash for Selector {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}

impl PartialOrd for Selector {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Selector {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.canonical().cmp(other.canonical())
    }
}

impl serde::Serialize for Selector {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.canonical())
    }
}

impl<'de> serde::Deserialize<'de> for Selector {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Selector::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_selector_is_one_allocation_of_about_500_bytes() {
        let size = std::mem::size_of::<super::Inner>();
        assert!((400..=512).contains(&size), "Inner is {size} bytes");
        assert_eq!(
            std::mem::size_of::<super::Selector>(),
            std::mem::size_of::<usize>()
        );
    }
}
