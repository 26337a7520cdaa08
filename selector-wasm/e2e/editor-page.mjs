// What both browser tests start from: the editor page served locally and open in headless
// Chromium, ready (its wasm loaded), and the folder screenshots go to.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.mjs";
import { openBrowser } from "./browser.mjs";

/** Where screenshots go: $E2E_ARTIFACTS, else <repo>/e2e-artifacts/ (created). */
export const ARTIFACTS =
  process.env.E2E_ARTIFACTS ?? fileURLToPath(new URL("../../e2e-artifacts/", import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

/**
 * Serves the repository, opens the editor and waits until it is ready. Resolves to the
 * browser of `openBrowser` (`page`, `errors`, `blocked`) whose `close` also stops the server.
 */
export async function openEditor() {
  const server = await startServer();
  const browser = await openBrowser(server.url);
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    await browser.page.goto(`${server.url}/www/`);
    await browser.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  } catch (e) {
    await close();
    throw e;
  }
  return { ...browser, close };
}
