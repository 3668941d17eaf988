/**
 * Keeps the last `max` bytes of a stream (the Executor port keeps tails: a runaway command cannot
 * fill memory, and the end of the output is where errors are). Chunks stay Buffers until the end,
 * so a UTF-8 character split across chunks decodes whole; only a character cut by the head trim
 * is dropped.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.seen += chunk.length;
    if (this.max <= 0) return;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.chunks.length > 1 && this.kept - this.chunks[0]!.length >= this.max) this.kept -= this.chunks.shift()!.length;
  }

  get truncated(): boolean {
    return this.seen > this.max;
  }

  text(): string {
    let tail = Buffer.concat(this.chunks);
    if (tail.length > this.max) {
      tail = tail.subarray(tail.length - this.max);
      // Skip the UTF-8 continuation bytes (10xxxxxx) of a character cut in half.
      let start = 0;
      while (start < Math.min(3, tail.length) && (tail[start]! & 0xc0) === 0x80) start++;
      tail = tail.subarray(start);
    }
    return tail.toString('utf8');
  }
}
