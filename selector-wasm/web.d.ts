// Type declarations for `calico-selector-wasm/web`, the ES-module build for browsers
// (`wasm-bindgen --target web`). Same API as the Node build once initialised:
//
//   import init, { parse } from "calico-selector-wasm/web";
//   await init();                      // fetches selector_wasm_bg.wasm next to the module
//   parse('app == "web"').matches({ app: "web" });

export * from "./index";

/** What {@link init} and {@link initSync} accept: the module, its bytes, or where to fetch it. */
export type InitInput =
  | RequestInfo
  | URL
  | Response
  | BufferSource
  | WebAssembly.Module;

/** The instantiated module's raw exports; only needed to check that initialisation ran. */
export type InitOutput = WebAssembly.Exports;

/** Fetches and instantiates the WebAssembly module (once; later calls return the same promise). */
export default function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> },
): Promise<InitOutput>;

/** Instantiates the module synchronously from its bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module }): InitOutput;
