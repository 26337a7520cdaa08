// The browser build: same API after `init()`.
import init, { initSync, parse, type InitOutput } from "calico-selector-wasm/web";

async function main(): Promise<boolean> {
  const exports: InitOutput = await init();
  await init({ module_or_path: new URL("https://example.invalid/selector_wasm_bg.wasm") });
  // @ts-expect-error init gives a promise of the exports, not the exports
  const notAwaited: InitOutput = init();
  void notAwaited;
  void exports;
  return parse("has(app)").matches({ app: "" });
}

function sync(bytes: Uint8Array): void {
  initSync({ module: bytes });
}

void [main, sync];
