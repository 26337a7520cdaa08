// The selector tab's "compare with" card: how the selector (A) relates to a second one (B),
// with a label set for each region that is not empty. The module decides (Selector.compare);
// this file only renders.

const RELATIONS = {
  equivalent: "Both match exactly the same label sets.",
  subset: "Everything the selector matches, this one matches too; not the reverse.",
  superset: "Everything this one matches, the selector matches too; not the reverse.",
  disjoint: "No label set matches both.",
  overlapping: "Some label sets match both, some only one of them.",
};

/** A label set as text: `k = "v"` pairs, or a note when it has no labels. */
function labelsText(witness) {
  const pairs = Object.entries(witness).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return pairs.length ? pairs.join(", ") : "(no labels)";
}

/**
 * Renders the comparison of `selector` (a parsed Selector, or null when the main selector is
 * invalid) with the text of the "compare with" field into the card's elements.
 * @param {any} api the module
 * @param {any} selector
 * @param {string} otherText
 */
export function renderComparison(api, selector, otherText) {
  const $ = (id) => document.getElementById(id);
  const relation = $("compare-relation");
  const regions = $("compare-regions");
  const field = $("compare-input");
  regions.hidden = true;
  relation.dataset.relation = "";
  field.setAttribute("aria-invalid", "false");
  if (otherText.trim() === "") {
    relation.textContent = "Type a second selector to see how the two relate.";
    return;
  }
  if (!selector) {
    relation.textContent = "Fix the selector above first.";
    return;
  }
  const checked = api.check(otherText);
  if (!checked.ok) {
    field.setAttribute("aria-invalid", "true");
    relation.dataset.relation = "invalid";
    relation.textContent = `Not a valid selector: ${checked.diagnostics[0].message}`;
    return;
  }
  const other = api.parse(otherText);
  try {
    const c = selector.compare(other);
    relation.dataset.relation = c.relation;
    relation.replaceChildren();
    const name = document.createElement("strong");
    name.textContent = c.relationText;
    relation.append(name, ` — ${RELATIONS[c.relation]}`);
    for (const [id, w] of [["compare-both", c.both], ["compare-only-a", c.onlyA], ["compare-only-b", c.onlyB]]) {
      const cell = $(id);
      cell.textContent = w === null ? "none" : labelsText(w);
      cell.classList.toggle("none", w === null);
    }
    regions.hidden = false;
  } finally {
    other.free();
  }
}
