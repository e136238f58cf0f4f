// Completion: operator and block names with the registry's documentation; inside a call, its argument
// names; everywhere, the constants and variables of the file and the words operators accept.
import { OPS, preludeBlocks, WORDS } from '@tdl/compiler';
import { KEYWORD_NAMES, type FileNode } from '@tdl/dsl';
import type { Analysis } from './document.js';
import { opMarkdown, opSignature } from './ops-doc.js';
import { walkFile } from './walk.js';

export type CompletionKind = 'function' | 'argument' | 'constant' | 'variable' | 'keyword' | 'word';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** Text to insert, when it differs from the label (`heads = `). */
  readonly insert?: string;
}

/** Bare words a file may use as values: the compiler's (masks, layouts, activations), ALiBi and the booleans. */
const VALUE_WORDS = [...WORDS, 'alibi', 'true', 'false'];

export interface CompletionResult {
  /** Where the word being completed starts. */
  readonly from: number;
  readonly items: readonly CompletionItem[];
}

export function complete(doc: Analysis, offset: number): CompletionResult {
  const from = wordStart(doc.text, offset);
  const items: CompletionItem[] = [];
  const callee = enclosingCallee(doc.text, from);
  const op = callee ? OPS.get(callee) : undefined;
  if (op) {
    for (const a of op.args) {
      items.push({ label: a.name, kind: 'argument', detail: `${a.kind}${a.default === undefined ? '' : ` = ${a.default}`}`, documentation: a.doc, insert: `${a.name} = ` });
    }
  } else if (callee) {
    for (const p of blockParams(doc.check.ast, callee)) items.push({ label: p, kind: 'argument', insert: `${p} = ` });
  }
  for (const o of OPS.values()) items.push({ label: o.name, kind: 'function', detail: opSignature(o), documentation: opMarkdown(o) });
  if (doc.check.ast) {
    const { blocks, values } = namesOf(doc.check.ast);
    for (const b of blocks) items.push({ label: b, kind: 'function', detail: 'block' });
    for (const [name, kind] of values) items.push({ label: name, kind });
  }
  for (const b of preludeBlocks()) {
    if (items.some((i) => i.label === b.name.name)) continue;
    items.push({ label: b.name.name, kind: 'function', detail: `prelude block (${b.params.map((p) => p.name.name).join(', ')})`, ...(b.doc ? { documentation: b.doc } : {}) });
  }
  for (const w of VALUE_WORDS) items.push({ label: w, kind: 'word' });
  for (const k of KEYWORD_NAMES) if (!items.some((i) => i.label === k)) items.push({ label: k, kind: 'keyword' });
  const prefix = doc.text.slice(from, offset);
  return { from, items: items.filter((i) => i.label.startsWith(prefix)) };
}

function wordStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && /[A-Za-z0-9_]/.test(text[i - 1]!)) i--;
  return i;
}

/** The name before the innermost unclosed `(` before `offset`, scanning the text (it may not parse yet). */
export function enclosingCallee(text: string, offset: number): string | undefined {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) return /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(0, i))?.[1];
      depth--;
    } else if ((c === '{' || c === '}') && depth === 0) return undefined;
  }
  return undefined;
}

/** The parameters of the block `name`: the file's own, else the prelude's. */
function blockParams(ast: FileNode | undefined, name: string): string[] {
  let params = preludeBlocks().find((b) => b.name.name === name)?.params.map((p) => p.name.name) ?? [];
  if (!ast) return params;
  walkFile(ast, {
    statement(s) {
      if (s.kind === 'Block' && s.name.name === name) params = s.params.map((p) => p.name.name);
    },
  });
  return params;
}

function namesOf(ast: FileNode): { blocks: string[]; values: Map<string, CompletionKind> } {
  const blocks: string[] = [];
  const values = new Map<string, CompletionKind>();
  walkFile(ast, {
    statement(s) {
      if (s.kind === 'Block') blocks.push(s.name.name);
      else if (s.kind === 'Const') for (const b of s.bindings) values.set(b.name.name, 'constant');
      else if (s.kind === 'Input') values.set(s.name.name, 'variable');
      else if (s.kind === 'Assign') values.set(s.target.name, 'variable');
    },
  });
  return { blocks, values };
}
