// Formatting with the dsl's formatter, as `tdl fmt` does; none while the file has syntax errors.
import { format as formatFile, hasErrors, parse } from '@tdl/dsl';
import type { Analysis } from './document.js';

/** The whole document in the canonical layout, or undefined when it does not parse (or is already so). */
export function formatDocument(doc: Pick<Analysis, 'name' | 'text'>): string | undefined {
  const parsed = parse({ name: doc.name, text: doc.text });
  if (hasErrors(parsed.diagnostics)) return undefined;
  const out = formatFile(parsed.ast, doc.text);
  return out === doc.text ? undefined : out;
}
