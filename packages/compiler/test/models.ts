// Test helper: the model files of the repository, checked (and required to be free of errors).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDiagnostics } from '@tdl/dsl';
import { checkSource, type CheckResult, type ConstantValue, type Graph } from '../src/index.js';

export const ROOT = new URL('../../..', import.meta.url).pathname;

/** Checks `models/<name>.tdl` (or any path under the root) with `--set` overrides. */
export function checkModelFile(path: string, overrides: Record<string, ConstantValue> = {}): CheckResult {
  const name = path.includes('/') ? path : `models/${path}.tdl`;
  return checkSource({ name, text: readFileSync(join(ROOT, name), 'utf8') }, { overrides });
}

/** The graph of a model file that must check without errors. */
export function loadModel(path: string, overrides: Record<string, ConstantValue> = {}): Graph {
  const result = checkModelFile(path, overrides);
  if (!result.ok || !result.graph) {
    throw new Error(`${path} does not check:\n${renderDiagnostics(result.diagnostics, (n) => (n === result.source.name ? result.source.text : undefined))}`);
  }
  return result.graph;
}

/** Checks a source text given inline. */
export function checkText(text: string, overrides: Record<string, ConstantValue> = {}, name = 'test.tdl'): CheckResult {
  return checkSource({ name, text }, { overrides });
}
