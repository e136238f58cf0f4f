// Spans for one file, fast: line starts are indexed once, so each span costs a binary search.
import type { IToken } from 'chevrotain';
import type { SourceFile, Span } from '../span.js';

export class SpanMaker {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly source: SourceFile) {
    const text = source.text;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** `length` characters at `offset`, both clamped to the text. */
  at(offset: number, length: number): Span {
    const size = this.source.text.length;
    const start = Math.max(0, Math.min(offset, size));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= start) lo = mid;
      else hi = mid - 1;
    }
    return {
      file: this.source.name,
      offset: start,
      line: lo + 1,
      column: start - this.lineStarts[lo]! + 1,
      length: Math.max(0, Math.min(length, size - start)),
    };
  }

  ofToken(token: IToken): Span {
    return this.at(token.startOffset, token.image.length);
  }

  /** An empty span just after `token`. */
  after(token: IToken): Span {
    return this.at(token.startOffset + token.image.length, 0);
  }

  /** An empty span at the end of the text, before any trailing blank lines. */
  end(): Span {
    return this.at(this.source.text.trimEnd().length, 0);
  }
}
