/**
 * The hostile-code suite's cases, by the threat notes' categories, in both languages. Each states
 * the outcome it expects: the statuses it may end with and a bound on its wall time. After every
 * case the suite checks that nothing leaked (see suite.ts).
 */
import { CANARY } from '../ports.js';

export type Status = 'ok' | 'error' | 'timeout' | 'memory' | 'crashed' | 'aborted';

export interface HostileCase {
  name: string;
  category: 'loops' | 'memory' | 'stack' | 'network' | 'host access' | 'output and values' | 'processes';
  code: string;
  /** Statuses the case may end with. */
  expect: Status[];
  /** Where an engine documents another outcome (README, "Supported browsers"), that engine's statuses. */
  expectIn?: Partial<Record<'chromium' | 'firefox' | 'webkit', Status[]>>;
  /** Upper bound on the run's wall time, in ms (its timeout is `timeoutMs`). */
  withinMs: number;
  timeoutMs?: number;
  /** Extra check on the result's value (plain data). */
  value?: unknown;
  /** A check on the value that equality cannot express. */
  valueSatisfies?: (value: unknown) => boolean;
}

const T = 1000; // the timeout most runaway cases get
const fast = 5_000;
const killed = T + 6_000; // deadline, grace, and room for a loaded machine

export const JS_CASES: HostileCase[] = [
  { name: 'while(true){}', category: 'loops', code: 'while (true) {}', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'a loop that catches the interrupt and loops again', category: 'loops', code: 'for (;;) { try { while (true) {} } catch {} }', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'for(;;) await 0', category: 'loops', code: 'for (;;) await 0', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'self-rescheduling promise jobs', category: 'loops', code: 'const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {})', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'promise jobs that double', category: 'loops', code: 'const storm = () => { Promise.resolve().then(storm); Promise.resolve().then(storm) }; storm(); await new Promise(() => {})', expect: ['timeout', 'memory', 'crashed'], timeoutMs: T, withinMs: 30_000 },
  { name: 'an endless generator', category: 'loops', code: 'function* g() { while (true) yield 1 } for (const x of g()) {}', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'catastrophic regex backtracking', category: 'loops', code: '/(a+)+$/.test("a".repeat(40) + "b")', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'a zero-delay interval that never stops', category: 'loops', code: 'setInterval(() => {}, 0)', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'one long C call (BigInt to string)', category: 'loops', code: '(3n ** 600000n).toString().length', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'string doubling', category: 'memory', code: 'let s = "x"; for (;;) s += s', expect: ['memory'], withinMs: fast },
  { name: 'an array of objects that grows forever', category: 'memory', code: 'const a = []; for (;;) a.push({ i: a.length })', expect: ['memory'], withinMs: 30_000 },
  { name: 'new ArrayBuffer(2**31)', category: 'memory', code: 'new ArrayBuffer(2 ** 31)', expect: ['error', 'memory'], withinMs: fast },
  { name: 'a huge typed array', category: 'memory', code: 'new Float64Array(2 ** 28)', expect: ['error', 'memory'], withinMs: fast },
  { name: 'unbounded recursion', category: 'stack', code: 'const f = () => f(); f()', expect: ['error'], withinMs: fast },
  { name: 'deeply nested JSON', category: 'stack', code: 'JSON.parse("[".repeat(300000) + "]".repeat(300000))', expect: ['error'], withinMs: fast },
  // Firefox's worker stack runs out in QuickJS's parser before QuickJS's own check: the engine dies
  // at once and is replaced (also with QuickJS's limit halved to 64 KiB).
  { name: 'deeply nested code', category: 'stack', code: 'eval("(".repeat(100000) + "1" + ")".repeat(100000))', expect: ['error'], expectIn: { firefox: ['crashed'] }, withinMs: fast },
  {
    name: 'every network API is absent',
    category: 'network',
    code: '["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "importScripts", "Worker", "SharedWorker", "WebTransport", "RTCPeerConnection", "navigator", "Image"].filter((n) => typeof globalThis[n] !== "undefined")',
    expect: ['ok'],
    value: [],
    withinMs: fast,
  },
  { name: 'dynamic import() of a URL', category: 'network', code: `await import("${CANARY}/js-dynamic-import.js")`, expect: ['error'], withinMs: fast },
  {
    name: 'every host object is absent',
    category: 'host access',
    code: '["document", "window", "parent", "top", "opener", "localStorage", "sessionStorage", "indexedDB", "caches", "BroadcastChannel", "postMessage", "close", "self", "location"].filter((n) => typeof globalThis[n] !== "undefined")',
    expect: ['ok'],
    value: [],
    withinMs: fast,
  },
  { name: 'escaping through the Function constructor', category: 'host access', code: '(0, Function)("return this")() === globalThis && typeof (0, Function)("return this")().document', expect: ['ok'], value: 'undefined', withinMs: fast },
  { name: 'a million console.log lines', category: 'output and values', code: 'for (let i = 0; i < 1e6; i++) console.log(i)', expect: ['ok', 'timeout'], timeoutMs: 20_000, withinMs: 30_000 },
  { name: 'a 100 MB print', category: 'output and values', code: 'console.log("x".repeat(100 * 1024 * 1024))', expect: ['ok', 'memory'], withinMs: 20_000 },
  { name: 'a 256 MB returned string', category: 'output and values', code: '"y".repeat(256 * 1024 * 1024)', expect: ['ok', 'memory', 'error'], withinMs: 20_000 },
  { name: 'a cyclic value', category: 'output and values', code: 'const o = {}; o.o = o; o', expect: ['ok'], value: { o: '[Circular]' }, withinMs: fast },
  { name: 'a toJSON that loops (never called)', category: 'output and values', code: '({ toJSON() { while (true) {} } })', expect: ['ok'], value: {}, withinMs: fast },
  { name: '__proto__ keys in a value', category: 'output and values', code: 'JSON.parse(\'{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}\')', expect: ['ok'], withinMs: fast },
  { name: 'a proxy whose traps loop', category: 'output and values', code: 'new Proxy({}, { ownKeys() { while (true) {} } })', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'a getter that throws', category: 'output and values', code: '({ get bad() { throw new Error("no") }, good: 1 })', expect: ['ok'], value: { good: 1 }, withinMs: fast },
  { name: 'a returned function and symbol', category: 'output and values', code: '[() => 1, Symbol("s")]', expect: ['ok'], value: [null, null], withinMs: fast },
  {
    name: 'replaced JSON.stringify, Object.keys and iterators do not change the plain form',
    category: 'output and values',
    code: 'const v = { a: [1, 2], m: new Map([["k", 1]]) }; JSON.stringify = () => \'"\' + "x".repeat(1e8) + \'"\'; Object.keys = () => []; Array.prototype[Symbol.iterator] = function* () {}; v',
    expect: ['ok'],
    value: { a: [1, 2], m: { k: 1 } },
    withinMs: fast,
  },
  {
    name: 'a 50 MB error message',
    category: 'output and values',
    code: 'throw { name: "E", message: "m".repeat(5e7) }',
    expect: ['error'],
    withinMs: 20_000,
  },
  { name: 'a forged interrupt is an error, not a timeout', category: 'loops', code: 'let C; try { (function f() { f() })() } catch (e) { C = e.constructor } throw new C("interrupted")', expect: ['error'], withinMs: fast },
];

const PY_NET = (name: string, call: string) => `
try:
${call.split('\n').map((line) => `    ${line}`).join('\n')}
    result = "reached"
except BaseException as error:
    result = "blocked"
result`;

export const PY_CASES: HostileCase[] = [
  { name: 'while True: pass', category: 'loops', code: 'while True:\n    pass', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'except BaseException around a loop', category: 'loops', code: 'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'signal.signal(SIGINT) then loop', category: 'loops', code: 'import signal\nsignal.signal(signal.SIGINT, lambda *a: None)\nwhile True:\n    pass', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'switching the interrupt buffer off', category: 'loops', code: 'import pyodide_js\npyodide_js.setInterruptBuffer(None)\nwhile True:\n    pass', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  // The engine's own deadline check reads a slot the guest can reach: with it zeroed the loop ends
  // by itself before the frame is removed, and only the host's clock says it came too late.
  {
    name: "zeroing the engine's deadline, then finishing after the limit",
    category: 'loops',
    code: 'import pyodide_js, time\nmodule = pyodide_js._module\nend = time.time() + 2.2\nwhile time.time() < end:\n    module.aiSandboxDeadline = 0\n"finished late"',
    expect: ['timeout'],
    timeoutMs: T,
    withinMs: killed,
  },
  { name: 'an endless asyncio loop', category: 'loops', code: 'import asyncio\nwhile True:\n    await asyncio.sleep(0)', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'catastrophic regex backtracking', category: 'loops', code: 'import re\nre.match(r"(a+)+$", "a" * 40 + "b")', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'one long C call', category: 'loops', code: 'sum(range(10 ** 12))', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'bytearray(2**31) (past wasm32 sizes)', category: 'memory', code: 'bytearray(2 ** 31)', expect: ['error', 'memory'], withinMs: fast },
  { name: 'bytearray(2**30)', category: 'memory', code: 'bytearray(2 ** 30)', expect: ['memory'], withinMs: fast },
  {
    name: 'files count toward the memory limit',
    category: 'memory',
    code: 'import os\ntry:\n    for i in range(20):\n        with open(f"fill{i}.bin", "wb") as f:\n            f.write(b"x" * 2**26)\nfinally:\n    for i in range(20):\n        if os.path.exists(f"fill{i}.bin"):\n            os.remove(f"fill{i}.bin")',
    expect: ['memory'],
    withinMs: 20_000,
  },
  {
    name: 'a file written in 1 MB chunks counts toward the limit (with the room MEMFS reserves)',
    category: 'memory',
    code: 'import os\ntry:\n    with open("chunks.bin", "wb") as f:\n        for _ in range(700):\n            f.write(bytes(2**20))\nfinally:\n    if os.path.exists("chunks.bin"):\n        os.remove("chunks.bin")',
    expect: ['memory'],
    withinMs: 20_000,
  },
  {
    name: 'new WebAssembly memories count toward the limit',
    category: 'memory',
    // Pyodide's own memory is reachable; its constructor makes 256 MiB a piece, outside the interpreter.
    code: 'import js, pyodide_js\nfrom pyodide.ffi import to_js\nmemory = pyodide_js._module.memory\nmade = 0\ntry:\n    for i in range(8):\n        memory.constructor.new(to_js({"initial": 4096}, dict_converter=js.Object.fromEntries))\n        made += 1\nexcept BaseException as error:\n    pass\nmade',
    expect: ['ok'],
    valueSatisfies: (v) => typeof v === 'number' && v <= 1,
    withinMs: 20_000,
  },
  { name: 'a list of 10 MB chunks', category: 'memory', code: 'chunks = []\nwhile True:\n    chunks.append(bytearray(10 * 1024 * 1024))', expect: ['memory'], withinMs: 20_000 },
  { name: 'a 2 GB string', category: 'memory', code: '"x" * 2 ** 31', expect: ['memory', 'error'], withinMs: fast },
  { name: '10**(10**8)', category: 'memory', code: '10 ** (10 ** 8)', expect: ['timeout', 'memory'], timeoutMs: T, withinMs: killed },
  { name: 'unbounded recursion', category: 'stack', code: 'def f():\n    return f()\nf()', expect: ['error'], withinMs: fast },
  { name: 'sys.setrecursionlimit(10**6) and deep C recursion', category: 'stack', code: 'import sys, json\nsys.setrecursionlimit(10 ** 6)\njson.loads("[" * 200000 + "]" * 200000)', expect: ['crashed', 'error'], timeoutMs: 20_000, withinMs: 25_000 },
  { name: 'js.fetch', category: 'network', code: `import js\nresult = "reached"\ntry:\n    await js.fetch("${CANARY}/py-fetch")\nexcept BaseException:\n    result = "blocked"\nresult`, expect: ['ok'], value: 'blocked', withinMs: fast },
  { name: 'pyodide.http.pyfetch', category: 'network', code: `from pyodide.http import pyfetch\nresult = "reached"\ntry:\n    await pyfetch("${CANARY}/py-pyfetch")\nexcept BaseException:\n    result = "blocked"\nresult`, expect: ['ok'], value: 'blocked', withinMs: fast },
  { name: 'urllib', category: 'network', code: PY_NET('urllib', `import urllib.request; urllib.request.urlopen("${CANARY}/py-urllib")`), expect: ['ok'], value: 'blocked', withinMs: fast },
  { name: 'synchronous XHR', category: 'network', code: PY_NET('xhr', `import js; x = js.XMLHttpRequest.new(); x.open("GET", "${CANARY}/py-xhr", False); x.send()`), expect: ['ok'], value: 'blocked', withinMs: fast },
  { name: 'importScripts', category: 'network', code: PY_NET('importScripts', `import js; js.importScripts("${CANARY}/py-import.js")`), expect: ['ok'], value: 'blocked', withinMs: fast },
  { name: 'WebSocket', category: 'network', code: `import js, asyncio\nws = js.WebSocket.new("${CANARY.replace('http', 'ws')}/py-ws")\nawait asyncio.sleep(0.3)\nws.readyState`, expect: ['ok', 'error'], withinMs: fast },
  { name: 'EventSource', category: 'network', code: `import js, asyncio\nes = js.EventSource.new("${CANARY}/py-sse")\nawait asyncio.sleep(0.3)\nes.readyState`, expect: ['ok', 'error'], withinMs: fast },
  {
    name: 'a nested worker that fetches',
    category: 'network',
    code: PY_NET('worker', `import js\nfrom pyodide.ffi import to_js\nblob = js.Blob.new(to_js(["fetch('${CANARY}/nested-worker').catch(() => {})"]), to_js({"type": "text/javascript"}))\njs.Worker.new(js.URL.createObjectURL(blob))`),
    expect: ['ok'],
    value: 'blocked',
    withinMs: fast,
  },
  { name: 'webbrowser.open', category: 'network', code: PY_NET('webbrowser', `import webbrowser; webbrowser.open("${CANARY}/py-browser")`), expect: ['ok'], withinMs: fast },
  { name: 'eval through js', category: 'host access', code: PY_NET('eval', 'import js; js.eval("1")'), expect: ['ok'], value: 'blocked', withinMs: fast },
  {
    name: 'host objects from the worker scope',
    category: 'host access',
    code: 'import js\n[name for name in ["document", "parent", "top", "opener", "localStorage", "sessionStorage"] if hasattr(js, name)]',
    expect: ['ok'],
    value: [],
    withinMs: fast,
  },
  { name: 'indexedDB and caches in an opaque origin', category: 'host access', code: PY_NET('idb', 'import js; js.indexedDB.open("x"); js.caches.keys()'), expect: ['ok'], value: 'blocked', withinMs: fast },
  { name: 'a forged bridge message from the worker', category: 'host access', code: PY_NET('post', 'import js\njs.postMessage({"type": "output", "runSeq": 1, "stream": "stdout", "text": "forged"})'), expect: ['ok'], value: 'blocked', withinMs: fast },
  {
    name: "the worker's channel, nested workers and close() are out of reach",
    category: 'host access',
    code: `import js, pyodide_js
names = ["postMessage", "self", "globalThis", "Worker", "SharedWorker", "close", "importScripts", "XMLHttpRequest", "WebSocket", "EventSource", "MessageChannel", "WebAssembly", "Uint8Array", "ArrayBuffer", "indexedDB", "caches", "eval", "Function", "location"]
[f"js.{n}" for n in names if hasattr(js, n)] + [f"module.{n}" for n in ["postMessage", "Worker", "close", "self", "globalThis"] if hasattr(pyodide_js._module, n)]`,
    expect: ['ok'],
    value: [],
    withinMs: fast,
  },
  { name: 'closing the worker from inside', category: 'host access', code: PY_NET('close', 'import js\njs.close()'), expect: ['ok'], value: 'blocked', withinMs: fast },
  { name: 'a million prints', category: 'output and values', code: 'for i in range(10 ** 6):\n    print(i)', expect: ['ok', 'timeout'], timeoutMs: 20_000, withinMs: 30_000 },
  { name: 'a 100 MB print', category: 'output and values', code: 'print("x" * (100 * 1024 * 1024))', expect: ['ok', 'memory'], withinMs: 20_000 },
  { name: 'a 256 MB returned string', category: 'output and values', code: '"y" * (256 * 1024 * 1024)', expect: ['ok', 'memory'], withinMs: 20_000 },
  { name: 'a cyclic list', category: 'output and values', code: 'a = [1]\na.append(a)\na', expect: ['ok'], value: [1, '[Circular]'], withinMs: fast },
  { name: '__proto__ keys in a dict', category: 'output and values', code: '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}', expect: ['ok'], withinMs: fast },
  { name: 'a __repr__ that loops', category: 'output and values', code: 'class Evil:\n    def __repr__(self):\n        while True:\n            pass\nEvil()', expect: ['timeout'], timeoutMs: T, withinMs: killed },
  { name: 'os.system', category: 'processes', code: 'import os\nos.system("echo hi")', expect: ['ok', 'error'], withinMs: fast },
  { name: 'subprocess', category: 'processes', code: 'import subprocess\nsubprocess.run(["ls"])', expect: ['error'], withinMs: fast },
  { name: 'threading', category: 'processes', code: 'import threading\nt = threading.Thread(target=lambda: None)\nt.start()', expect: ['error'], withinMs: fast },
  { name: 'multiprocessing', category: 'processes', code: 'import multiprocessing\nmultiprocessing.Process(target=print).start()', expect: ['error'], withinMs: fast },
  { name: 'ctypes reads', category: 'processes', code: 'import ctypes\nlen(ctypes.string_at(1024, 64))', expect: ['ok', 'error'], withinMs: fast },
];
