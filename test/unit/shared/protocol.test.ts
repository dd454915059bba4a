/** The wire protocols' guards: anything but the exact shapes is refused. */
import { describe, expect, it } from 'vitest';
import { isFrameEvent, isFrameInit, isHostReply, PROTOCOL, readRunReport } from '../../../src/shared/protocol.js';
import { isToWorker, isWorkerInit, whyNotFromWorker } from '../../../src/shared/worker-protocol.js';

describe('host ↔ frame guards', () => {
  const { port1, port2 } = new MessageChannel();
  const init = { protocol: PROTOCOL, type: 'init', workerSource: '', files: { 'a.wasm': new ArrayBuffer(1) }, rpc: port1, events: port2 };

  it('accept the exact shapes', () => {
    expect(isFrameInit(init)).toBe(true);
    expect(isFrameEvent({ type: 'frame-ready', sharedInterrupt: false })).toBe(true);
    expect(isFrameEvent({ type: 'output', runSeq: 1, stream: 'stdout', text: 'hi' })).toBe(true);
    for (const kind of ['tool', 'fetch', 'install']) expect(isFrameEvent({ type: 'host-call', callId: 1, runSeq: 2, kind, name: 't', args: '{}' })).toBe(true);
    expect(isFrameEvent({ type: 'worker-ended', message: 'x', limit: 'messages' })).toBe(true);
    expect(isFrameEvent({ type: 'dropped', count: 3, reason: 'a string' })).toBe(true);
    expect(isFrameEvent({ type: 'run-ended', report: {} })).toBe(true); // its fields are read by readRunReport
    expect(isFrameEvent({ type: 'run-ended', report: 'done' })).toBe(false);
    expect(isHostReply({ callId: 1, ok: true, value: '1' })).toBe(true);
  });

  it.each([
    ['wrong protocol', { ...init, protocol: 'ai-sandbox/1' }],
    ['missing port', { ...init, rpc: undefined }],
    ['port-like object', { ...init, events: { postMessage() {} } }],
    ['string source type', { ...init, workerSource: 42 }],
    ['a file that is not bytes', { ...init, files: { 'a.wasm': 'AGFzbQ==' } }],
    ['null', null],
    ['a string', 'init'],
  ])('refuse a frame init with %s', (_, value) => {
    expect(isFrameInit(value)).toBe(false);
  });

  it('refuse malformed frame events and replies', () => {
    expect(isFrameEvent({ type: 'output', runSeq: -1, stream: 'stdout', text: 'x' })).toBe(false);
    expect(isFrameEvent({ type: 'output', runSeq: 1, stream: 'stdin', text: 'x' })).toBe(false);
    expect(isFrameEvent({ type: 'worker-ended', message: 5 })).toBe(false);
    expect(isFrameEvent({ type: 'worker-ended', message: 'x', limit: 'patience' })).toBe(false);
    expect(isFrameEvent({ type: 'eval', code: 'x' })).toBe(false);
    expect(isFrameEvent({ type: 'host-call', callId: 1, runSeq: 2, kind: 'eval', name: 't', args: '{}' })).toBe(false);
    expect(isHostReply({ callId: 1.5, ok: true, value: '1' })).toBe(false);
    expect(isHostReply({ callId: 1, ok: true, value: {} })).toBe(false);
  });
});

describe('frame ↔ worker guards', () => {
  it('accept the exact shapes', () => {
    expect(isWorkerInit({ type: 'init', files: {} })).toBe(true);
    expect(isToWorker({ type: 'call', id: 1, method: 'run', arg: {} })).toBe(true);
    expect(isToWorker({ type: 'ping', id: 2 })).toBe(true);
    for (const m of [
      { type: 'ack', id: 1 },
      { type: 'reply', id: 1, ok: true, value: null },
      { type: 'reply', id: 1, ok: false, error: 'e' },
      { type: 'output', runSeq: 1, stream: 'stderr', text: '' },
      { type: 'host-call', callId: 1, runSeq: 1, kind: 'fetch', name: '', args: '{}' },
      { type: 'host-call', callId: 1, runSeq: 1, kind: 'install', name: '', args: '{}' },
      { type: 'pong', id: 3 },
    ]) expect(whyNotFromWorker(m)).toBeNull();
  });

  it.each([
    ['a string', 'forged', 'a string'],
    ['null', null, 'a null'],
    ['a Map', new Map(), 'an object that is not plain'],
    ['an unknown type', { type: 'eval' }, 'unknown type "eval"'],
    ['no type', { runSeq: 1 }, 'an object without a type'],
    ['output of a made-up run', { type: 'output', runSeq: 'next', stream: 'stdout', text: 'x' }, 'malformed output'],
    ['output that is not text', { type: 'output', runSeq: 1, stream: 'stdout', text: new ArrayBuffer(8) }, 'malformed output'],
    ['a reply without an id', { type: 'reply', ok: true }, 'a malformed reply'],
    ['a host call with object arguments', { type: 'host-call', callId: 1, runSeq: 1, kind: 'tool', name: 't', args: {} }, 'a malformed host call'],
  ])('refuse %s from the worker, and say so', (_, value, reason) => {
    expect(whyNotFromWorker(value)).toBe(reason);
  });

  it('refuse calls to methods the worker does not have', () => {
    expect(isToWorker({ type: 'call', id: 1, method: 'constructor', arg: {} })).toBe(false);
    expect(isToWorker({ type: 'call', id: 1, method: '__proto__', arg: {} })).toBe(false);
  });
});

describe('readRunReport', () => {
  const ok = { runSeq: 1, outcome: { kind: 'returned', valueJson: '[1]', text: '[ 1 ]' }, outputs: [{ mime: 'text/plain', data: 'x' }], limitsHit: [] };

  it('copies known fields into a fresh object', () => {
    const report = readRunReport({ ...ok, extra: 'dropped', outcome: { kind: 'threw', error: { name: 'E', message: 'm', line: 2, junk: 1 } } });
    expect(report).toEqual({ ...ok, outcome: { kind: 'threw', error: { name: 'E', message: 'm', line: 2 } } });
  });

  it('does not let a __proto__ key change the prototype', () => {
    const raw = JSON.parse('{"runSeq":1,"outcome":{"kind":"returned"},"outputs":[],"limitsHit":[],"__proto__":{"polluted":true}}');
    const report = readRunReport(raw)!;
    expect(Object.getPrototypeOf(report)).toBe(Object.prototype);
    expect((report as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['an unknown outcome', { ...ok, outcome: { kind: 'done' } }],
    ['a value that is not JSON text', { ...ok, outcome: { kind: 'returned', valueJson: new Map() } }],
    ['a memory figure that is not a count', { ...ok, memoryBytes: -5 }],
    ['a stateLost that is not a boolean', { ...ok, stateLost: 'yes' }],
    ['an error without a name', { ...ok, outcome: { kind: 'threw', error: { message: 'm' } } }],
    ['negative run number', { ...ok, runSeq: -1 }],
    ['an unknown limit', { ...ok, limitsHit: ['patience'] }],
    ['missing outputs', { ...ok, outputs: undefined }],
    ['malformed output', { ...ok, outputs: [{ mime: 'image/png', data: 5 }] }],
  ])('refuses %s', (_, value) => {
    expect(readRunReport(value)).toBeNull();
  });
});

describe('isModuleList', () => {
  it('takes a bounded list of module names, dotted ones too, and nothing else', async () => {
    const { isModuleList } = await import('../../../src/shared/protocol.js');
    expect(isModuleList(['os', 'matplotlib.pyplot', '_private', 'a1.b_2'])).toBe(true);
    expect(isModuleList([])).toBe(true);
    for (const bad of [['os', 42], ['../etc'], ['a..b'], ['1abc'], ['a.'], 'os', null, Array(257).fill('os'), ['x'.repeat(201)]]) expect(isModuleList(bad)).toBe(false);
  });
});
