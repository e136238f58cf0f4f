// The byte tokenizer: UTF-8 round trips, streaming across split characters, ids beyond the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteTokenizer } from '../src/index.js';

describe('ByteTokenizer', () => {
  const t = new ByteTokenizer();
  it('round-trips any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(t.decode(t.encode(s))).toBe(s);
      }),
    );
  });

  it('streams multi-byte characters only once they are complete', () => {
    const d = t.streamDecoder();
    const ids = t.encode('é€');
    expect(ids).toHaveLength(5);
    expect(d.push(ids[0]!)).toBe('');
    expect(d.push(ids[1]!)).toBe('é');
    expect(d.push(ids[2]!)).toBe('');
    expect(d.push(ids[3]!)).toBe('');
    expect(d.push(ids[4]!)).toBe('€');
  });

  it('shows ids with no byte as ⟨id⟩', () => {
    expect(t.decode([104, 105, 300])).toBe('hi⟨300⟩');
  });
});
