/**
 * The bare relay's worker: quickjs-emscripten wired up by hand, as in bare-worker.ts, but on wasm
 * bytes handed in by its frame (an opaque-origin frame cannot fetch them without CORS), as the
 * sandbox's own worker is.
 */
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSRuntime } from 'quickjs-emscripten-core';

let ready: Promise<{ runtime: QuickJSRuntime; context: QuickJSContext }> | undefined;

self.onmessage = async (event: MessageEvent<{ wasm: ArrayBuffer } | { code: string; timeoutMs: number }>) => {
  const data = event.data;
  if ('wasm' in data) {
    ready = (async () => {
      const module = await newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmModule: await WebAssembly.compile(data.wasm) }));
      const runtime = module.newRuntime();
      runtime.setMemoryLimit(256 * 1024 * 1024);
      runtime.setMaxStackSize(128 * 1024);
      return { runtime, context: runtime.newContext() };
    })();
    // Says it started, so the frame knows a blob: worker was not refused (as the sandbox's worker says 'loaded').
    self.postMessage({ ready: true });
    return;
  }
  const { runtime, context } = await ready!;
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + data.timeoutMs));
  const result = context.evalCode(data.code);
  const handle = result.error ?? result.value;
  const value = result.error ? { error: context.dump(handle) } : context.dump(handle);
  handle.dispose();
  self.postMessage(value);
};
