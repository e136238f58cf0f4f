// Doc comments: runs of `##` lines, each handed to the declaration or statement that starts right after it.
import type { IToken } from 'chevrotain';

/** The next character that is not whitespace. */
const NEXT_CODE = /\S/g;

export class DocComments {
  /** Runs of doc comment lines, by the offset of the first thing after them. */
  private readonly byTarget = new Map<number, IToken[]>();
  private readonly taken = new Set<IToken>();

  /** Indexes the doc comments among `comments` (all comments of `text`, in order). */
  constructor(text: string, comments: readonly IToken[]) {
    let run: IToken[] = [];
    const flush = () => {
      if (run.length === 0) return;
      const last = run[run.length - 1]!;
      NEXT_CODE.lastIndex = last.startOffset + last.image.length;
      const after = NEXT_CODE.exec(text);
      if (after) this.byTarget.set(after.index, run);
      run = [];
    };
    for (const tok of comments) {
      const previous = run[run.length - 1];
      if (previous && text.slice(previous.startOffset + previous.image.length, tok.startOffset).trim() !== '') flush();
      if (tok.image.startsWith('##')) run.push(tok);
      else flush();
    }
    flush();
  }

  /** The text of the doc comment just above code starting at `offset`, if there is one not yet taken. */
  take(offset: number): string | undefined {
    const run = this.byTarget.get(offset);
    if (!run || run.some((tok) => this.taken.has(tok))) return undefined;
    for (const tok of run) this.taken.add(tok);
    return run.map((tok) => tok.image.replace(/^##\s?/, '').trimEnd()).join('\n');
  }

  /** Whether a comment became some node's doc comment. */
  used(token: IToken): boolean {
    return this.taken.has(token);
  }
}
