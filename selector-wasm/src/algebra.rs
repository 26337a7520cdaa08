//! The selector algebra for JavaScript: `selector_core`'s exact satisfiability,
//! implication, equivalence, intersection and comparison, as methods of `Selector`.
//! The TypeScript declarations are generated from here: the methods' by wasm-bindgen, the
//! result types' by the custom section below.

use crate::{to_js, Selector};
use selector_core::{Comparison, Witness};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const ALGEBRA_TS: &'static str = r#"
/** A label set found by the selector algebra: label name to value; labels not in it are absent. */
export type Witness = Record<string, string>;

/** How selector A relates to selector B (the five cases are exclusive). `subset`: A ⊂ B. */
export type Relation = "equivalent" | "subset" | "superset" | "disjoint" | "overlapping";

/** The result of {@link Selector.compare}: the relation and a witness per non-empty region. */
export interface Comparison {
  relation: Relation;
  /** `equivalent`, `A ⊂ B`, `B ⊂ A`, `disjoint` or `overlapping`. */
  relationText: string;
  /** A label set matching both, or `null`. */
  both: Witness | null;
  /** A label set matching A and not B, or `null`. */
  onlyA: Witness | null;
  /** A label set matching B and not A, or `null`. */
  onlyB: Witness | null;
}

"#;

/// [`Comparison`] as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ComparisonInfo {
    relation: selector_core::Relation,
    relation_text: &'static str,
    both: Option<Witness>,
    only_a: Option<Witness>,
    only_b: Option<Witness>,
}

impl From<Comparison> for ComparisonInfo {
    fn from(c: Comparison) -> Self {
        ComparisonInfo {
            relation: c.relation,
            relation_text: c.relation.symbol(),
            both: c.both,
            only_a: c.only_a,
            only_b: c.only_b,
        }
    }
}

#[wasm_bindgen]
impl Selector {
    /// Whether some label set matches (exact for every operator).
    #[wasm_bindgen(js_name = isSatisfiable)]
    pub fn is_satisfiable(&self) -> bool {
        self.inner.is_satisfiable()
    }

    /// Whether every label set matching this selector matches `other`.
    pub fn implies(&self, other: &Selector) -> bool {
        self.inner.implies(&other.inner)
    }

    /// Whether both match the same label sets.
    pub fn equivalent(&self, other: &Selector) -> bool {
        self.inner.equivalent(&other.inner)
    }

    /// Whether some label set matches both.
    pub fn intersects(&self, other: &Selector) -> bool {
        self.inner.intersects(&other.inner)
    }

    /// A label set matching this selector, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Witness | null")]
    pub fn witness(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.witness())
    }

    /// A label set matching this selector and not `other`, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Witness | null")]
    pub fn counterexample(&self, other: &Selector) -> Result<JsValue, JsValue> {
        to_js(&self.inner.counterexample(&other.inner))
    }

    /// The relation of this selector (A) to `other` (B), with a witness per non-empty region.
    #[wasm_bindgen(unchecked_return_type = "Comparison")]
    pub fn compare(&self, other: &Selector) -> Result<JsValue, JsValue> {
        to_js(&ComparisonInfo::from(self.inner.compare(&other.inner)))
    }
}
