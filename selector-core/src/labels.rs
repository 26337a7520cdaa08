//! Where label values come from: the [`Labels`] trait and its implementations for maps,
//! slices of pairs and a layered view (own labels over inherited ones).

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// A set of labels: a map from label name to value.
///
/// ```
/// use selector_core::{Labels, Selector};
/// struct One;
/// impl Labels for One {
///     fn get(&self, name: &str) -> Option<&str> { (name == "app").then_some("web") }
/// }
/// assert!(Selector::parse("app == 'web'").unwrap().matches(&One));
/// ```
pub trait Labels {
    /// The value of label `name`, or `None` when the label is absent.
    fn get(&self, name: &str) -> Option<&str>;
}

/// Lower-level access used by the evaluator: calls `f` with the label's value.
///
/// Every [`Labels`] is a `LabelLookup`. Implement this directly for sources whose values
/// cannot be lent for the lifetime of `&self` (a Python dict, a JavaScript object).
///
/// ```
/// use selector_core::{LabelLookup, Selector};
/// struct Upper(std::collections::HashMap<String, String>);
/// impl LabelLookup for Upper {
///     fn with_label<R>(&self, name: &str, f: impl FnOnce(Option<&str>) -> R) -> R {
///         let v = self.0.get(name).map(|v| v.to_uppercase());
///         f(v.as_deref())
///     }
/// }
/// let labels = Upper([("a".to_string(), "x".to_string())].into());
/// assert!(Selector::parse("a == 'X'").unwrap().matches(&labels));
/// ```
pub trait LabelLookup {
    /// Whether [`LabelLookup::lend`] gives the values (true for every [`Labels`]): an
    /// evaluation then looks each label up once, however many tests read it.
    const LENDS: bool = false;

    /// Calls `f` with the value of label `name` (`None` when absent) and returns its result.
    fn with_label<R>(&self, name: &str, f: impl FnOnce(Option<&str>) -> R) -> R;

    /// The value of label `name`, lent for as long as `self`; called only when
    /// [`LabelLookup::LENDS`] is true. Implement [`Labels`] instead of overriding these two.
    #[inline]
    fn lend(&self, name: &str) -> Option<&str> {
        let _ = name;
        None
    }
}

impl<T: Labels + ?Sized> LabelLookup for T {
    const LENDS: bool = true;

    #[inline]
    fn with_label<R>(&self, name: &str, f: impl FnOnce(Option<&str>) -> R) -> R {
        f(self.get(name))
    }

    #[inline]
    fn lend(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

impl<T: Labels + ?Sized> Labels for &T {
    #[inline]
    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }
}

/// Any `HashMap` with string-like keys and values, whatever its hasher: a map built with a
/// fast hasher (`rustc-hash`, `foldhash`) makes every lookup of an evaluation that fast.
///
/// ```
/// use std::collections::HashMap;
/// use std::hash::BuildHasherDefault;
/// let labels: HashMap<&str, String, BuildHasherDefault<std::hash::DefaultHasher>> =
///     [("app", "web".to_string())].into_iter().collect();
/// assert!(selector_core::Selector::parse("app == 'web'").unwrap().matches(&labels));
/// ```
impl<K, V, S> Labels for HashMap<K, V, S>
where
    K: Borrow<str> + Hash + Eq,
    V: AsRef<str>,
    S: BuildHasher,
{
    #[inline]
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(AsRef::as_ref)
    }
}

/// Any `BTreeMap` with string-like keys and values.
impl<K, V> Labels for BTreeMap<K, V>
where
    K: Borrow<str> + Ord,
    V: AsRef<str>,
{
    #[inline]
    fn get(&self, name: &str) -> Option<&str> {
        BTreeMap::get(self, name).map(AsRef::as_ref)
    }
}

/// A slice of `(name, value)` pairs; the first pair with the name wins.
impl<K: AsRef<str>, V: AsRef<str>> Labels for [(K, V)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Labels for Vec<(K, V)> {
    fn get(&self, name: &str) -> Option<&str> {
        Labels::get(self.as_slice(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Labels for [(K, V); N] {
    fn get(&self, name: &str) -> Option<&str> {
        Labels::get(self.as_slice(), name)
    }
}

/// Own labels over inherited ones: a label in `own` hides the same label in `parent`,
/// the way Calico lets endpoint labels override profile and namespace labels.
///
/// ```
/// use selector_core::{Layered, Selector};
/// let own = [("env", "dev")];
/// let parent = [("env", "prod"), ("team", "a")];
/// let labels = Layered { own: &own, parent: &parent };
/// assert!(Selector::parse("env == 'dev' && team == 'a'").unwrap().matches(&labels));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Layered<'a, A: ?Sized, B: ?Sized> {
    /// The labels that win.
    pub own: &'a A,
    /// The labels used where `own` has none of that name.
    pub parent: &'a B,
}

impl<A: Labels + ?Sized, B: Labels + ?Sized> Labels for Layered<'_, A, B> {
    fn get(&self, name: &str) -> Option<&str> {
        self.own.get(name).or_else(|| self.parent.get(name))
    }
}
