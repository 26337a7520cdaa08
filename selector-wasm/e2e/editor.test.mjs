// The editor in real headless Chromium: load the page from a local static server, type
// selectors, watch the match marks, the error underline and help, and the policy linter.
// Screenshots are saved to <repo>/e2e-artifacts/ (or $E2E_ARTIFACTS).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ARTIFACTS, openEditor } from "./editor-page.mjs";


let browser;
let page;

before(async () => {
  browser = await openEditor();
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

/** name → "true" | "false" | "unknown" for every endpoint card. */
async function verdicts() {
  return page.$$eval(".endpoint", (cards) =>
    Object.fromEntries(cards.map((c) => [c.dataset.name, c.dataset.match])),
  );
}

async function typeSelector(text) {
  const input = page.locator("#selector-input");
  await input.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await input.pressSequentially(text, { delay: 5 });
}

test("the page loads the module and shows the seed's selector with its matches", async () => {
  assert.equal(await page.inputValue("#selector-input"), 'running-calico == "true"');
  assert.deepEqual(await verdicts(), {
    "kubeadm-master.eth0": "true",
    "kubeadm-node-0.eth0": "true",
    "calico-prometheus-set": "false",
    "monitoring/my-prometheus-pod": "false",
    "calico-system/calico-kube-controllers": "false",
    "default/nginx": "false",
  });
  assert.equal(await page.textContent("#ep-summary"), "2 of 6 match");
  assert.equal(await page.textContent("#unique-id"), "s:DUmB89iGSY1Zc4i1sUI_0d-I80TWRxureQMmKg");
  // Highlighting: the label, the operator and the string each have their own class.
  const kinds = await page.$$eval("#selector-highlight span", (s) => s.map((x) => [x.className, x.textContent]));
  assert.deepEqual(kinds, [
    ["tok-label", "running-calico"],
    ["tok-operator", "=="],
    ["tok-string", '"true"'],
  ]);
});

test("typing a selector updates the match marks, canonical form and explanation", async () => {
  await typeSelector('calico-prometheus-access == "true" && !has(k8s-app)');
  assert.deepEqual(await verdicts(), {
    "kubeadm-master.eth0": "false",
    "kubeadm-node-0.eth0": "false",
    "calico-prometheus-set": "true",
    "monitoring/my-prometheus-pod": "true",
    "calico-system/calico-kube-controllers": "false",
    "default/nginx": "false",
  });
  assert.equal(await page.textContent("#canonical"), '(calico-prometheus-access == "true" && !has(k8s-app))');
  assert.equal(await page.getAttribute("#selector-input", "aria-invalid"), "false");
  assert.equal(await page.locator(".endpoint .verdict.match").count(), 2);

  // Select the prometheus pod: the explanation says why it matches.
  await page.click('.endpoint[data-name="monitoring/my-prometheus-pod"] .endpoint-select');
  const nodes = await page.$$eval("#explanation .node", (n) => n.map((x) => [x.classList.contains("true"), x.querySelector("code").textContent]));
  assert.deepEqual(nodes, [
    [true, '(calico-prometheus-access == "true" && !has(k8s-app))'],
    [true, 'calico-prometheus-access == "true"'],
    [true, "!has(k8s-app)"],
    [false, "has(k8s-app)"],
  ]);

  // Editing an endpoint's labels re-evaluates it.
  const labels = page.locator('.endpoint[data-name="calico-prometheus-set"] .labels');
  await labels.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\nk8s-app: scraper");
  assert.equal((await verdicts())["calico-prometheus-set"], "false");
  await page.keyboard.press("Control+Z");
  await page.keyboard.press("Backspace"); // undo granularity varies: remove the rest by hand
  await labels.fill("calico-prometheus-access: 'true'");
  assert.equal((await verdicts())["calico-prometheus-set"], "true");
  await page.screenshot({ path: `${ARTIFACTS}/editor-selector.png`, fullPage: true });
});

test("an invalid selector is underlined, explained, and marks no endpoint", async () => {
  await typeSelector('app = "nginx"');
  assert.equal(await page.getAttribute("#selector-input", "aria-invalid"), "true");
  const underlined = await page.$$eval("#selector-highlight .err", (s) => s.map((x) => x.textContent).join(""));
  assert.equal(underlined, "=");
  const status = await page.textContent("#sel-status");
  assert.match(status, /column 5/);
  assert.match(status, /= is not a valid operator/);
  const help = await page.textContent("#sel-help");
  assert.match(help, /^help: .*==/);
  assert.ok(await page.isVisible("#sel-help"));
  assert.deepEqual(new Set(Object.values(await verdicts())), new Set(["unknown"]));
  assert.equal(await page.textContent("#sel-badge"), "invalid");

  // The wavy underline is really painted under the `=`: the marked span has a box there.
  const box = await page.locator("#selector-highlight .err").boundingBox();
  assert.ok(box && box.width > 2 && box.height > 5, `underline box ${JSON.stringify(box)}`);
  await page.screenshot({ path: `${ARTIFACTS}/editor-error.png`, fullPage: true });

  // A value missing at the end: an empty error span still gets a visible marker.
  await typeSelector("app ==");
  assert.equal(await page.locator("#selector-highlight .err-point, #selector-highlight .err").count() > 0, true);

  // Fixing it brings the verdicts back.
  await typeSelector('app == "nginx"');
  assert.equal((await verdicts())["default/nginx"], "true");
  assert.equal(await page.locator("#selector-highlight .err").count(), 0);
});

test("the example chips and the URL hash carry the selector", async () => {
  await page.click('button.chip:has-text("namespaces")');
  assert.equal(await page.inputValue("#selector-input"), 'projectcalico.org/namespace in {"monitoring", "calico-system"} && !has(tier)');
  const v = await verdicts();
  assert.equal(v["monitoring/my-prometheus-pod"], "true");
  assert.equal(v["calico-system/calico-kube-controllers"], "true");
  assert.equal(v["default/nginx"], "false");
  const url = page.url();
  assert.match(url, /#selector=/);
  await page.goto("about:blank");
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue("#selector-input"), 'projectcalico.org/namespace in {"monitoring", "calico-system"} && !has(tier)');
});

test("compare with: the relation of two selectors, with a label set per region", async () => {
  await typeSelector('app starts with "pr" && app ends with "od"');
  const field = page.locator("#compare-input");
  assert.match(await page.textContent("#compare-relation"), /second selector/);
  await field.fill('app == "prod"');
  assert.equal(await page.getAttribute("#compare-relation", "data-relation"), "superset");
  assert.match(await page.textContent("#compare-relation"), /^B ⊂ A — /);
  assert.equal(await page.textContent("#compare-both"), 'app = "prod"');
  assert.equal(await page.textContent("#compare-only-a"), 'app = "prxod"');
  assert.equal(await page.textContent("#compare-only-b"), "none");
  assert.ok(await page.isVisible("#compare-regions"));
  await page.screenshot({ path: `${ARTIFACTS}/editor-compare.png`, fullPage: true });

  // Editing the selector re-compares; an invalid second selector says so.
  await typeSelector('app == "web"');
  assert.equal(await page.getAttribute("#compare-relation", "data-relation"), "disjoint");
  await field.fill("app = web");
  assert.equal(await page.getAttribute("#compare-relation", "data-relation"), "invalid");
  assert.equal(await page.getAttribute("#compare-input", "aria-invalid"), "true");
  assert.ok(!(await page.isVisible("#compare-regions")));
  await field.fill('!has(app)');
  assert.equal(await page.getAttribute("#compare-relation", "data-relation"), "disjoint");
  assert.equal(await page.textContent("#compare-only-b"), "(no labels)");
  await field.fill("");
});

test("tabs follow the WAI-ARIA pattern", async () => {
  await page.focus("#tab-selector");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-lint", "aria-selected"), "true");
  assert.ok(await page.isVisible("#panel-lint"));
  assert.ok(!(await page.isVisible("#panel-selector")));
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.getAttribute("#tab-selector", "aria-selected"), "true");
});

const PASTED = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: restrict-calico-node-prometheus
spec:
  selector: running-calico = "true"
  ingress:
    - action: Deny
      source:
        notSelector: calico-prometheus-access == "true" and has(app)
`;

test("the policy tab lints the seed policy, then a pasted one, showing diagnostics at their lines", async () => {
  await page.click("#tab-lint");
  assert.ok(await page.isVisible("#panel-lint"));
  // The seed's allow-list policies are clean.
  assert.match(await page.inputValue("#yaml-input"), /restrict-calico-node-prometheus/);
  await page.waitForFunction(() => document.querySelector("#lint-summary").textContent !== "");
  assert.equal(await page.locator("#diagnostics .diagnostic.error").count(), 0);

  // Paste a policy with two selector mistakes over it.
  await page.click("#yaml-input");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(PASTED);
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics .diagnostic.error").length === 2);
  const items = await page.$$eval("#diagnostics .diagnostic", (li) =>
    li.map((x) => [x.dataset.rule, x.dataset.line, x.querySelector(".diag-message").textContent]),
  );
  assert.deepEqual(items.map(([rule, line]) => [rule, line]).filter(([r]) => r === "selector-syntax"), [
    ["selector-syntax", "6"],
    ["selector-syntax", "10"],
  ]);
  assert.match(await page.textContent("#lint-summary"), /2 errors/);
  // The lines are marked in the gutter and the code, the spans underlined.
  const marked = await page.$$eval(".gutter .has-error", (n) => n.map((x) => x.textContent));
  assert.deepEqual(marked, ["6", "10"]);
  const squiggles = await page.$$eval("#yaml-highlight .squiggle.error", (s) => s.map((x) => x.textContent));
  assert.deepEqual(squiggles, ["=", "and"]);
  // Clicking a diagnostic selects its span in the text (UTF-16 offsets).
  await page.click('#diagnostics .diagnostic[data-line="10"] button');
  const selected = await page.$eval("#yaml-input", (t) => t.value.slice(t.selectionStart, t.selectionEnd));
  assert.equal(selected, "and");
  await page.screenshot({ path: `${ARTIFACTS}/editor-lint.png`, fullPage: true });
});

test("no console errors, and no request left the machine", () => {
  assert.deepEqual(browser.errors, []);
  assert.deepEqual(browser.blocked, []);
});
