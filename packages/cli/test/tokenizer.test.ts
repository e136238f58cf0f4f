// Tokenizers the CLI offers: GPT-2's BPE (checked against gpt-tokenizer, an independent
// implementation), Hugging Face tokenizer.json files, and streaming decoding that equals whole decoding.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { encode as r50kEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { describe, expect, it } from 'vitest';
import { ByteTokenizer, type Tokenizer } from '@tdl/runtime';
import { gpt2Tokenizer, resolveTokenizer } from '../src/tokenizer.js';

const SENTENCEPIECE = new URL('./fixtures/sentencepiece', import.meta.url).pathname;

function streamed(t: Tokenizer, ids: readonly number[]): string {
  const d = t.streamDecoder();
  return ids.map((id) => d.push(id)).join('') + d.flush();
}

describe('GPT-2 BPE', () => {
  const gpt2 = gpt2Tokenizer();
  it("encodes as OpenAI's GPT-2 tokenizer does", () => {
    expect(gpt2.encode('Hello world')).toEqual([15496, 995]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        expect(gpt2.encode(s)).toEqual(r50kEncode(s));
      }),
      { numRuns: 200 },
    );
  });

  it('decodes back to the text, streamed token by token too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const ids = gpt2.encode(s);
        expect(gpt2.decode(ids)).toBe(s);
        expect(streamed(gpt2, ids)).toBe(s);
      }),
      { numRuns: 200 },
    );
  });

  it('stops at <|endoftext|>', () => {
    expect(gpt2.stopTokens).toEqual([50256]);
  });
});

describe('tokenizer.json files', () => {
  const sp = resolveTokenizer(SENTENCEPIECE, 300, undefined);
  it('encodes with SentencePiece-style merges and byte fallback', () => {
    const vocab = (JSON.parse(readFileSync(`${SENTENCEPIECE}/tokenizer.json`, 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
    // "▁hello▁world" by the merges in rank order: ▁h, el, lo (no "el l" once "l o" took the l), ▁world.
    expect(sp.encode('hello world')).toEqual(['▁h', 'el', 'lo', '▁world'].map((p) => vocab[p]));
    // é has no piece: its two UTF-8 bytes fall back to <0xC3> <0xA9>.
    expect(sp.encode('é').slice(-2)).toEqual([vocab['<0xC3>'], vocab['<0xA9>']]);
    expect(sp.decode(sp.encode('hello world é'))).toBe('hello world é');
    expect(sp.stopTokens).toEqual([2]);
  });

  it('streams byte-fallback characters only once they are whole', () => {
    const ids = sp.encode('the é and €');
    expect(streamed(sp, ids)).toBe(sp.decode(ids));
    const d = sp.streamDecoder();
    const pieces = ids.map((id) => d.push(id));
    expect(pieces.some((p) => p.includes('\uFFFD'))).toBe(false);
  });

  it('is chosen beside the weights, by vocabulary, or by name', () => {
    expect(resolveTokenizer(undefined, 300, `${SENTENCEPIECE}/model.safetensors`).name).toMatch(/sentencepiece\/tokenizer\.json$/);
    expect(resolveTokenizer(undefined, 50257, undefined).name).toBe('gpt2');
    expect(resolveTokenizer(undefined, 256, undefined)).toBeInstanceOf(ByteTokenizer);
    expect(() => resolveTokenizer('/nonexistent/tok.json', 256, undefined)).toThrow(/cannot read/);
  });
});
