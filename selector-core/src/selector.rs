//! [`Selector`]: a parsed, compiled selector, and what it offers on top of its program
//! (canonical text, unique id, syntax tree, restrictions, explanations, label rewrites).

use crate::compile::Program;
use crate::explain::{self, Explanation};
use crate::labels::LabelLookup;
use crate::restrict::{self, LabelRestriction};
use crate::syntax::ast::{self, Expr};
use crate::syntax::convert::matches_nothing;
use crate::syntax::error::ParseError;
use crate::syntax::parser;
use crate::syntax::tree::Tree;
use crate::{id, print, rewrite};
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
/// text and then the source text) inside this one allocation; the [`Expr`]
/// (parsed again from the source) and the unique id are made on first use, since most
/// selectors are only ever evaluated.
struct Inner {
    program: Program,
    /// Boxed, so that the selector's own allocation stays small until the tree is asked for.
    expr: OnceLock<Box<Expr>>,
    unique_id: OnceLock<id::UniqueId>,
}

impl Inner {
    /// A selector's contents with nothing made yet but its program.
    fn new(program: Program) -> Inner {
        Inner {
            program,
            expr: OnceLock::new(),
            unique_id: OnceLock::new(),
        }
    }
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
        // The program is filled where it stays, inside the selector's allocation: moving a
        // filled program there would copy all of its inline buffers.
        let mut inner = Arc::new(Inner::new(Program::empty()));
        let Some(fresh) = Arc::get_mut(&mut inner) else {
            // A new `Arc` has no other owner.
            debug_assert!(false, "a new Arc is shared");
            let mut program = Program::empty();
            program.parse_into(source).map_err(|e| *e)?;
            return Ok(Selector::from_inner(Inner::new(program)));
        };
        fresh.program.parse_into(source).map_err(|e| *e)?;
        Ok(Selector { inner })
    }

    /// Builds a selector from a syntax tree (for example one produced by a rewrite).
    /// Its source text is [`print::reparseable`]: the canonical text, except that nested
    /// negations keep their parentheses, so the source parses back to this very tree.
    /// Spans still refer to the text the tree came from.
    ///
    /// The tree should be one the parser could build: `&&`/`||` chains of two or more
    /// operands, label names of label characters, values without both quote characters, and
    /// nesting within [`NESTING_LIMIT`](crate::NESTING_LIMIT). Other trees still evaluate correctly, but their
    /// canonical text may not parse again, and a tree nested tens of thousands deep can
    /// exhaust the stack (printing, compiling and explaining recurse over it).
    ///
    /// ```
    /// let a = selector_core::Selector::parse("a == 'x'").unwrap();
    /// let b = selector_core::Selector::from_expr(a.ast().clone());
    /// assert_eq!(a, b);
    /// ```
    pub fn from_expr(expr: Expr) -> Selector {
        let (tree, text) = Tree::from_expr(&expr);
        let source = print::reparseable(&expr);
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

    /// Whether the selector matches `labels` (any [`Labels`](crate::Labels) such as a `HashMap` or `BTreeMap`).
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
            // The source parsed once, so it parses again to the same tree. Were it not to,
            // the tree would be `!all()`, matching nothing, as the program then does not
            // either: fail closed.
            let expr = parser::parse_expr(self.source());
            debug_assert!(expr.is_ok(), "{:?} parsed once", self.source());
            Box::new(expr.unwrap_or_else(|_| matches_nothing(ast::Span::new(0, 0))))
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
    pub(crate) fn with_tree<R>(&self, f: impl Fn(&Tree, &str) -> R) -> R {
        if self.built_ast().is_none() {
            // The source parsed once, so it parses again; were it not to, `ast` gives
            // `!all()` below.
            let out = parser::with_tree(self.source(), |t| f(t, self.source()));
            debug_assert!(out.is_ok(), "{:?} parsed once", self.source());
            if let Ok(out) = out {
                return out;
            }
        }
        let (tree, text) = Tree::from_expr(self.ast());
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

    /// Whether the label restrictions ([`Selector::label_restrictions`]) contradict each
    /// other, which proves that no label set can match. Only the restrictions are looked at:
    /// `false` proves nothing (a contradiction they do not capture, such as
    /// `!(has(a) || !has(a))`, gives `false`); [`Selector::is_satisfiable`] is the exact test.
    ///
    /// ```
    /// use selector_core::Selector;
    /// assert!(Selector::parse("a == 'x' && a == 'y'").unwrap().restrictions_conflict());
    /// assert!(!Selector::parse("a == 'x' || a == 'y'").unwrap().restrictions_conflict());
    /// assert!(!Selector::parse("!(has(a) || !has(a))").unwrap().restrictions_conflict());
    /// ```
    pub fn restrictions_conflict(&self) -> bool {
        self.with_tree(restrict::restrictions_conflict)
    }

    /// The old name of [`Selector::restrictions_conflict`], which promised more than it
    /// checks.
    #[deprecated(
        note = "use `restrictions_conflict` (the same check), or `is_satisfiable` for an exact answer"
    )]
    pub fn can_never_match(&self) -> bool {
        self.restrictions_conflict()
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
