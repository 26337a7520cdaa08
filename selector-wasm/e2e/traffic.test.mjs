// The Traffic tab in real headless Chromium: the guide's deny-list is pre-filled; reach to the
// master's host endpoint lists every source with its verdict; a source's trace names the
// deciding rule, whose YAML line is highlighted. Screenshots go to <repo>/e2e-artifacts/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ARTIFACTS, openEditor } from "./editor-page.mjs";
import { DENY_LIST } from "../www/traffic-data.js";

const MASTER = "hostendpoint/kubeadm-master.eth0";

let browser;
let page;

before(async () => {
  browser = await openEditor();
  page = browser.page;
  await page.click("#tab-traffic");
  await page.waitForSelector("#panel-traffic:not([hidden])");
});

after(async () => {
  await browser?.close();
});

/** source → verdict, for every row of the list. */
async function sources() {
  return page.$$eval("#sources .source", (li) => Object.fromEntries(li.map((x) => [x.dataset.source, x.dataset.verdict])));
}

/** [line number, text, verdict] of the highlighted deciding line. */
async function decidingLine() {
  return page.$$eval("#traffic-highlight .line.decides", (lines) =>
    lines.map((l) => [[...l.parentElement.children].indexOf(l) + 1, l.textContent, l.dataset.decides]),
  );
}

/** 1-based number of the first line equal to `text` after the line equal to `after`. */
function lineOf(text, afterLine) {
  const lines = DENY_LIST.split("\n");
  const start = lines.indexOf(afterLine);
  assert.ok(start >= 0, afterLine);
  return lines.indexOf(text, start) + 1;
}

async function setPort(port) {
  await page.fill("#traffic-port", String(port));
  await page.waitForFunction((p) => document.querySelector("#trace-target").textContent.endsWith(` ${p}`), port);
}

test("the deny-list is pre-filled and 9091 on the master is open to every source", async () => {
  assert.equal(await page.inputValue("#traffic-yaml"), DENY_LIST);
  assert.equal(await page.inputValue("#traffic-to"), MASTER);
  assert.equal(await page.inputValue("#traffic-port"), "9091");
  const options = await page.$$eval("#traffic-to option", (o) => o.map((x) => x.textContent));
  assert.deepEqual(options, [MASTER, "hostendpoint/kubeadm-node-0.eth0"]);
  assert.deepEqual(await sources(), {
    "hostendpoint/kubeadm-node-0.eth0": "allow",
    external: "allow",
    "globalnetworkset/calico-prometheus-set": "allow",
  });
  assert.equal(await page.textContent("#reach-summary"), "3 of 3 sources allowed");
  assert.match(await page.textContent("#reach-line"), /^reachable from: .*external/);
  // `external` is selected: allowed by default-host's first ingress rule, highlighted in the YAML.
  assert.equal(await page.getAttribute('#sources .source[data-source="external"] button', "aria-pressed"), "true");
  assert.match(await page.textContent("#trace .trace-verdict"), /^ALLOW by GlobalNetworkPolicy default-host rule 0/);
  const allowLine = lineOf("    - action: Allow", "  name: default-host");
  assert.deepEqual(await decidingLine(), [[allowLine, "    - action: Allow", "allow"]]);
  assert.equal(await page.textContent(`.gutter .decides.allow`), String(allowLine));
  // The trace shows the 9093 deny rule not matching on its port, then the allow rule.
  const steps = await page.$$eval("#trace .step", (s) => s.map((x) => [x.className, x.querySelector(".step-message").textContent]));
  assert.ok(steps.some(([cls, msg]) => cls.includes("rule missed") && /rule 0 \(Deny\)/.test(msg)), JSON.stringify(steps));
  assert.ok(steps.some(([cls]) => cls.includes("rule matched")));
  assert.equal(steps.at(-1)[0], "step verdict allow");
  // The highlighted line is scrolled into the YAML box.
  const visible = await page.evaluate(() => {
    const box = document.getElementById("traffic-yaml-box").getBoundingClientRect();
    const line = document.querySelector("#traffic-highlight .line.decides").getBoundingClientRect();
    return line.top >= box.top && line.bottom <= box.bottom;
  });
  assert.ok(visible, "deciding line in view");
  await page.screenshot({ path: `${ARTIFACTS}/editor-traffic.png`, fullPage: true });
});

test("9093: unlabelled sources are denied by the Typha policy's rule, highlighted", async () => {
  await setPort(9093);
  assert.deepEqual(await sources(), {
    "hostendpoint/kubeadm-node-0.eth0": "deny",
    external: "deny",
    "globalnetworkset/calico-prometheus-set": "allow",
  });
  assert.match(await page.textContent("#trace .trace-verdict"), /^DENY by GlobalNetworkPolicy restrict-calico-node-prometheus rule 0/);
  const denyLine = lineOf("    - action: Deny", "# typha-prometheus-policy.yaml");
  assert.deepEqual(await decidingLine(), [[denyLine, "    - action: Deny", "deny"]]);
  await page.screenshot({ path: `${ARTIFACTS}/editor-traffic-deny.png`, fullPage: true });

  // Clicking another source shows its trace; a trace step's line link marks that line.
  await page.click('#sources .source[data-source="globalnetworkset/calico-prometheus-set"] button');
  assert.match(await page.textContent("#trace-target"), /^172\.15\.0\.0 → /);
  assert.match(await page.textContent("#trace .trace-verdict"), /^ALLOW/);
  await page.click("#trace .step.policy .line-link");
  assert.equal(await page.locator("#traffic-highlight .line.traced").count(), 1);
});

test("the allow-list closes 9091 to all but the labelled network set", async () => {
  await page.click("#traffic-load-allow");
  await setPort(9091);
  const got = await sources();
  assert.equal(got.external, "deny");
  assert.equal(got["globalnetworkset/calico-prometheus-set"], "allow");
  assert.match(await page.textContent("#trace .trace-verdict"), /^DENY/);
  await page.click("#traffic-load-deny");
  assert.equal(await page.inputValue("#traffic-yaml"), DENY_LIST);
});

test("bad YAML and unknown ports show an error instead of answers", async () => {
  await page.fill("#traffic-yaml", "kind: [unclosed\n");
  await page.waitForSelector("#traffic-error:not([hidden])");
  assert.match(await page.textContent("#traffic-error"), /manifests\.yaml:2:1: invalid YAML/);
  assert.equal(await page.locator("#sources .source").count(), 0);
  await page.click("#traffic-load-deny");
  await page.waitForSelector("#traffic-error", { state: "hidden" });
  await page.fill("#traffic-port", "70000");
  await page.waitForSelector("#traffic-error:not([hidden])");
  assert.match(await page.textContent("#traffic-error"), /70000/);
  await setPort(9091);
  assert.equal((await sources()).external, "allow");
});

test("no console errors, and no request left the machine", () => {
  assert.deepEqual(browser.errors, []);
  assert.deepEqual(browser.blocked, []);
});
