/**
 * The baseline: quickjs-emscripten wired up by hand in a plain worker, the way a user would do it
 * without ai-sandbox. Evaluates code on message and posts back the dumped result.
 *
 * Started by the page, it loads its wasm from the server. Started by the bare relay's frame
 * (bare-relay-frame.html), which cannot fetch without CORS, it is first handed the wasm bytes, as
 * the sandbox's own worker is, and says `{ ready: true }` so the frame knows it runs.
 */
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSRuntime } from 'quickjs-emscripten-core';

async function boot(location: { wasmLocation: string } | { wasmModule: WebAssembly.Module }) {
  const module = await newQuickJSWASMModuleFromVariant(newVariant(releaseSync, location));
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(256 * 1024 * 1024);
  runtime.setMaxStackSize(128 * 1024);
  return { runtime, context: runtime.newContext() };
}

let ready: Promise<{ runtime: QuickJSRuntime; context: QuickJSContext }> | undefined;

self.onmessage = async (event: MessageEvent<{ wasm: ArrayBuffer } | { code: string; timeoutMs: number }>) => {
  const data = event.data;
  if ('wasm' in data) {
    ready = WebAssembly.compile(data.wasm).then((wasmModule) => boot({ wasmModule }));
    self.postMessage({ ready: true });
    return;
  }
  const { runtime, context } = await (ready ??= boot({ wasmLocation: '/dist/quickjs.wasm' }));
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + data.timeoutMs));
  const result = context.evalCode(data.code);
  const handle = result.error ?? result.value;
  const value = result.error ? { error: context.dump(handle) } : context.dump(handle);
  handle.dispose();
  self.postMessage(value);
};
