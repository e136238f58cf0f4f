// The fenced code blocks of a Markdown page, with their info strings and lines.
export interface CodeBlock {
  readonly info: string;
  readonly text: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ info: open[1]!, text: body.join('\n') + '\n', line: start + 1 });
  }
  return blocks;
}

/** The kinds of tdl example on docs/language.md, by info string. */
export const TDL_INFO = {
  /** A whole model file: parses, and compiles without errors. */
  model: 'tdl',
  /** Parses without errors, but is not a whole model (a block alone, a fragment of a model). */
  syntax: 'tdl-syntax',
  /** Shows a mistake: has syntax errors. */
  error: 'tdl-error',
} as const;
