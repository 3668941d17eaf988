/**
 * Keeps the last `max` bytes of a stream. Chunks are kept as Buffers and decoded once at the end,
 * so a multibyte UTF-8 character split across two chunks decodes intact; only the cut at the
 * head can land inside a character, and that partial character is dropped.
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
    // Drop whole chunks from the head while the rest still covers the cap; trim in text().
    while (this.chunks.length > 1 && this.kept - this.chunks[0]!.length >= this.max) {
      this.kept -= this.chunks.shift()!.length;
    }
  }

  get truncated(): boolean {
    return this.seen > this.max;
  }

  get bytesSeen(): number {
    return this.seen;
  }

  text(): string {
    let tail = Buffer.concat(this.chunks);
    if (tail.length > this.max) {
      tail = tail.subarray(tail.length - this.max);
      // Skip UTF-8 continuation bytes (10xxxxxx) left over from a character cut in half.
      let start = 0;
      while (start < Math.min(3, tail.length) && (tail[start]! & 0xc0) === 0x80) start++;
      tail = tail.subarray(start);
    }
    return tail.toString('utf8');
  }
}
