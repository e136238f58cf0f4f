// Parsing shorthands for tests.
import { parse, type Diagnostic, type FileNode, type ModelItem } from '@tdl/dsl';
import { stripSpans } from './strip.js';

export function parseText(text: string, name = 'test.tdl'): { ast: FileNode; diagnostics: readonly Diagnostic[] } {
  return parse({ name, text });
}

/** `line:column code message` for each diagnostic: compact expectations. */
export function errorsOf(text: string): string[] {
  return parseText(text).diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`);
}

/** The items of the one model in `text`, spans stripped; fails the test if the text has errors. */
export function modelItems(body: string): ModelItem[] {
  const { ast, diagnostics } = parseText(`model m {\n${body}\n}\n`);
  if (diagnostics.length) throw new Error(diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`).join('\n'));
  const model = ast.items[0]!;
  if (model.kind !== 'Model') throw new Error('no model');
  return stripSpans(model.items) as ModelItem[];
}
