// The Traffic tab's pre-filled manifests (www/traffic-data.js) are the guide's example folders,
// byte for byte: each folder's files in name order, each after a `# NAME` line, joined by `---`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoPath } from "./helpers.mjs";
import { ALLOW_LIST, DENY_LIST } from "../www/traffic-data.js";

function bundle(folder) {
  const dir = repoPath(`examples/secure-prometheus/${folder}`);
  return readdirSync(dir)
    .filter((n) => /\.(ya?ml|json)$/.test(n))
    .sort()
    .map((n) => {
      const text = readFileSync(join(dir, n), "utf8");
      return `# ${n}\n${text.endsWith("\n") ? text : `${text}\n`}`;
    })
    .join("---\n");
}

test("DENY_LIST and ALLOW_LIST are the example folders (regenerate www/traffic-data.js if not)", () => {
  assert.equal(DENY_LIST, bundle("deny-list"));
  assert.equal(ALLOW_LIST, bundle("allow-list"));
});
