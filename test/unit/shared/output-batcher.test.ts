/** The output batching of the worker and the frame: caps in UTF-8 bytes, batching, order kept across streams. */
import { describe, expect, it } from 'vitest';
import { OutputBatcher } from '../../../src/shared/output-batcher.js';
import type { StreamName } from '../../../src/shared/protocol.js';

type Output = { stream: StreamName; text: string };
const batcher = (max: number, sent: Output[]) => new OutputBatcher(max, (stream, text) => sent.push({ stream, text }));

describe('OutputBatcher', () => {
  it('batches writes and keeps their order across streams', () => {
    const sent: Output[] = [];
    const sink = batcher(1000, sent);
    sink.write('stdout', 'a');
    for (let i = 0; i < 1000; i++) sink.write('stdout', '');
    sink.write('stdout', 'b');
    sink.write('stderr', 'c');
    sink.write('stdout', 'd');
    sink.flush();
    expect(sent.map((m) => `${m.stream}:${m.text}`).join('|')).toBe('stdout:a|stdout:b|stderr:c|stdout:d');
    expect(sent.length).toBeLessThanOrEqual(4);
  });

  it('caps each stream in UTF-8 bytes, reports what is left, and says it cut', () => {
    const sent: Output[] = [];
    const sink = batcher(10, sent);
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
    const sink = batcher(1 << 20, sent);
    let all = '';
    for (let i = 0; i < 10000; i++) {
      sink.write('stdout', `line ${i}\n`);
      all += `line ${i}\n`;
    }
    sink.flush();
    expect(sent.length).toBeLessThan(50);
    expect(sent.map((m) => m.text).join('')).toBe(all);
  });

  it('measures no more of one huge write than the cap, and sends nothing empty', () => {
    const sent: Output[] = [];
    const sink = batcher(4, sent);
    sink.write('stdout', 'x'.repeat(50_000_000));
    sink.write('stderr', '€€'); // 6 bytes: cut to one
    sink.flush();
    expect(sent).toEqual([{ stream: 'stdout', text: 'xxxx' }, { stream: 'stderr', text: '€' }]);
    expect(sink.cut).toBe(true);
    sink.write('stderr', '€'); // 1 byte left: nothing fits
    sink.flush();
    expect(sent).toHaveLength(2);
  });
});
