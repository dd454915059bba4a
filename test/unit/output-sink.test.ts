/** The worker's output batching: caps in UTF-8 bytes, batching, order kept across streams. */
import { describe, expect, it } from 'vitest';
import type { FromWorker } from '../../src/shared/worker-protocol.js';
import { OutputSink } from '../../src/worker/output-sink.js';

type Output = Extract<FromWorker, { type: 'output' }>;

describe('OutputSink', () => {
  it('batches writes and keeps their order across streams', () => {
    const sent: Output[] = [];
    const sink = new OutputSink(7, 1000, (m) => sent.push(m));
    sink.write('stdout', 'a');
    for (let i = 0; i < 1000; i++) sink.write('stdout', '');
    sink.write('stdout', 'b');
    sink.write('stderr', 'c');
    sink.write('stdout', 'd');
    sink.flush();
    expect(sent.map((m) => `${m.stream}:${m.text}`).join('|')).toBe('stdout:a|stdout:b|stderr:c|stdout:d');
    expect(sent.every((m) => m.runSeq === 7)).toBe(true);
    expect(sent.length).toBeLessThanOrEqual(4);
  });

  it('caps each stream in UTF-8 bytes, reports what is left, and says it cut', () => {
    const sent: Output[] = [];
    const sink = new OutputSink(1, 10, (m) => sent.push(m));
    expect(sink.write('stdout', 'éééé')).toBe(2);
    expect(sink.cut).toBe(false);
    expect(sink.write('stdout', '€')).toBe(2);
    expect(sink.cut).toBe(true);
    expect(sink.write('stdout', 'ab')).toBe(0);
    expect(sink.write('stderr', 'fine')).toBe(6);
    sink.flush();
    expect(sent.filter((m) => m.stream === 'stdout').map((m) => m.text).join('')).toBe('ééééab');
  });

  it('sends a flood of writes as few messages', () => {
    const sent: Output[] = [];
    const sink = new OutputSink(1, 1 << 20, (m) => sent.push(m));
    let all = '';
    for (let i = 0; i < 10000; i++) {
      sink.write('stdout', `line ${i}\n`);
      all += `line ${i}\n`;
    }
    sink.flush();
    expect(sent.length).toBeLessThan(50);
    expect(sent.map((m) => m.text).join('')).toBe(all);
  });
});
