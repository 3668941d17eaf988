import { describe, expect, it } from 'vitest';
import { OutputTail } from './output-tail.ts';

const collect = (max: number, chunks: (string | Buffer)[]) => {
  const tail = new OutputTail(max);
  for (const chunk of chunks) tail.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return tail;
};

describe('OutputTail', () => {
  it('keeps everything under the cap', () => {
    const tail = collect(10, ['abc', 'def']);
    expect([tail.text(), tail.truncated, tail.bytesSeen]).toEqual(['abcdef', false, 6]);
  });

  it('keeps the last max bytes across chunk boundaries', () => {
    const tail = collect(5, ['0123', '4567', '89']);
    expect([tail.text(), tail.truncated, tail.bytesSeen]).toEqual(['56789', true, 10]);
  });

  it('decodes a character split between chunks and drops one cut by the cap', () => {
    const euro = Buffer.from('€'); // 3 bytes
    expect(collect(100, [euro.subarray(0, 1), euro.subarray(1), 'x']).text()).toBe('€x');
    expect(collect(4, ['a€b€']).text()).toBe('b€');
    expect(collect(3, ['a€b€']).text()).toBe('€');
    expect(collect(2, ['a€']).text()).toBe('');
    expect(collect(5, ['ab€b']).text()).not.toContain('\uFFFD');
  });

  it('keeps nothing with a zero cap but still reports truncation', () => {
    const tail = collect(0, ['abc']);
    expect([tail.text(), tail.truncated]).toEqual(['', true]);
  });
});
