/** The wire protocol's guards: anything but the exact shapes is refused. */
import { describe, expect, it } from 'vitest';
import { isControlToFrame, isControlToHost, isFrameInit, isOutputMessage, isWorkerInit, PROTOCOL, readWorkerRunResult } from '../../src/shared/protocol.js';

describe('message guards', () => {
  const { port1, port2 } = new MessageChannel();
  const init = { protocol: PROTOCOL, type: 'init', workerSource: '', files: { 'a.wasm': new ArrayBuffer(1) }, control: port1, rpc: port2 };

  it('accept the exact shapes', () => {
    expect(isFrameInit(init)).toBe(true);
    expect(isWorkerInit({ type: 'init', files: {}, rpc: port1 })).toBe(true);
    expect(isControlToFrame({ type: 'interrupt', runSeq: 3 })).toBe(true);
    expect(isControlToHost({ type: 'worker-error', message: 'x' })).toBe(true);
    expect(isControlToHost({ type: 'frame-ready', sharedInterrupt: false })).toBe(true);
    expect(isOutputMessage({ type: 'output', runSeq: 1, stream: 'stdout', text: 'hi' })).toBe(true);
  });

  it.each([
    ['wrong protocol', { ...init, protocol: 'other/1' }],
    ['missing port', { ...init, rpc: undefined }],
    ['port-like object', { ...init, control: { postMessage() {} } }],
    ['string source type', { ...init, workerSource: 42 }],
    ['a file that is not bytes', { ...init, files: { 'a.wasm': 'AGFzbQ==' } }],
    ['null', null],
    ['a string', 'init'],
  ])('refuse a frame init with %s', (_, value) => {
    expect(isFrameInit(value)).toBe(false);
  });

  it('refuse malformed control and output messages', () => {
    expect(isControlToFrame({ type: 'interrupt', runSeq: -1 })).toBe(false);
    expect(isControlToFrame({ type: 'interrupt', runSeq: 1.5 })).toBe(false);
    expect(isControlToHost({ type: 'worker-error', message: 5 })).toBe(false);
    expect(isControlToHost({ type: 'eval', code: 'x' })).toBe(false);
    expect(isOutputMessage({ type: 'output', runSeq: 1, stream: 'stdin', text: 'x' })).toBe(false);
    expect(isOutputMessage({ type: 'output', runSeq: 1, stream: 'stdout', text: {} })).toBe(false);
  });
});

describe('readWorkerRunResult', () => {
  const ok = { runSeq: 1, status: 'ok', stdout: '', stderr: '', outputs: [{ mime: 'text/plain', data: 'x' }], value: [1], text: '[ 1 ]' };

  it('copies known fields into a fresh object', () => {
    const result = readWorkerRunResult({ ...ok, extra: 'dropped', error: { name: 'E', message: 'm', line: 2, junk: 1 } });
    expect(result).toEqual({ ...ok, error: { name: 'E', message: 'm', line: 2 } });
  });

  it('does not let a __proto__ key change the prototype', () => {
    const raw = JSON.parse('{"runSeq":1,"status":"ok","stdout":"","stderr":"","outputs":[],"__proto__":{"polluted":true}}');
    const result = readWorkerRunResult(raw)!;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect((result as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['unknown status', { ...ok, status: 'done' }],
    ['non-string stdout', { ...ok, stdout: 1 }],
    ['bad error', { ...ok, error: { name: 1 } }],
    ['negative run number', { ...ok, runSeq: -1 }],
    ['non-boolean truncated', { ...ok, truncated: 'yes' }],
    ['missing outputs', { ...ok, outputs: undefined }],
    ['malformed output', { ...ok, outputs: [{ mime: 'image/png', data: 5 }] }],
  ])('refuses %s', (_, value) => {
    expect(readWorkerRunResult(value)).toBeNull();
  });
});
