// Test helper: model files of the repository and offsets of text in them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type Analysis } from '../src/index.js';

export const ROOT = new URL('../../..', import.meta.url).pathname;

export function openModel(path: string, overrides: Record<string, number> = {}): Analysis {
  return analyze(path, readFileSync(join(ROOT, path), 'utf8'), { overrides });
}

/** The offset `k` characters into the `nth` occurrence of `needle`; fails when it is absent. */
export function offsetOf(doc: Analysis, needle: string, k = 0, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = doc.text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (occurrence ${nth}) is not in ${doc.name}`);
  }
  return at + k;
}

/** 1-based line and column of an offset, counted here independently of the dsl. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
