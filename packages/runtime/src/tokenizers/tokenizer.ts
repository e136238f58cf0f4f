// The tokenizer interface, and the built-in byte-level tokenizer (one token per UTF-8 byte).

export interface Tokenizer {
  readonly name: string;
  encode(text: string): number[];
  /** A decoder for a stream of ids: each push returns the text that is complete so far. */
  streamDecoder(): StreamDecoder;
  decode(ids: readonly number[]): string;
  /** Ids the tokenizer treats as ends of text. */
  readonly stopTokens: readonly number[];
}

export interface StreamDecoder {
  push(id: number): string;
  /** Whatever is still pending at the end (an incomplete character as U+FFFD). */
  flush(): string;
}

/**
 * Ids 0–255 are the bytes of UTF-8 text. Ids from 256 up (a larger model vocabulary, untrained) have
 * no text and decode as `⟨id⟩`.
 */
export class ByteTokenizer implements Tokenizer {
  readonly name = 'bytes';
  readonly stopTokens: readonly number[] = [];

  encode(text: string): number[] {
    return Array.from(new TextEncoder().encode(text));
  }

  streamDecoder(): StreamDecoder {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    return {
      push: (id) => (id >= 0 && id < 256 ? decoder.decode(new Uint8Array([id]), { stream: true }) : decoder.decode() + `⟨${id}⟩`),
      flush: () => decoder.decode(),
    };
  }

  decode(ids: readonly number[]): string {
    const d = this.streamDecoder();
    return ids.map((id) => d.push(id)).join('') + d.flush();
  }
}
