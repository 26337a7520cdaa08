// The browser build: same API after `init()`.
import init, { initSync, parse, type InitOutput } from "calico-selector-wasm/web";

async function main(): Promise<boolean> {
  const exports: InitOutput = await init();
  await init({ module_or_path: new URL("https://example.invalid/selector_wasm_bg.wasm") });
  // @ts-expect-error init takes an options object, not a number
  await init(42);
  void exports;
  return parse("has(app)").matches({ app: "" });
}

function sync(bytes: Uint8Array): void {
  initSync({ module: bytes });
}

void [main, sync];
