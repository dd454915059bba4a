/**
 * The baseline: quickjs-emscripten wired up by hand in a plain worker, the way a user would do it
 * without ai-sandbox. Evaluates code on message and posts back the dumped result.
 */
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, shouldInterruptAfterDeadline } from 'quickjs-emscripten-core';

const ready = (async () => {
  const module = await newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmLocation: '/dist/quickjs.wasm' }));
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(256 * 1024 * 1024);
  runtime.setMaxStackSize(128 * 1024);
  return { runtime, context: runtime.newContext() };
})();

self.onmessage = async (event: MessageEvent<{ code: string; timeoutMs: number }>) => {
  const { runtime, context } = await ready;
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + event.data.timeoutMs));
  const result = context.evalCode(event.data.code);
  let value: unknown;
  if (result.error) {
    value = { error: context.dump(result.error) };
    result.error.dispose();
  } else {
    value = context.dump(result.value);
    result.value.dispose();
  }
  self.postMessage(value);
};
