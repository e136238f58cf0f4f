// Every ill-formed model in models/errors/ renders exactly the diagnostics of its golden file.
// Regenerate on purpose with UPDATE_GOLDENS=1 and review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '@tdl/dsl';
import { checkSource } from '../src/index.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const DIR = join(ROOT, 'models/errors');

/** The `--set` overrides a golden runs with, from a `# set: name=value …` first line. */
function overridesOf(text: string): Record<string, number> {
  const m = /^# set: (.*)$/m.exec(text);
  if (!m) return {};
  return Object.fromEntries(m[1]!.trim().split(/\s+/).map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]));
}

export function renderGolden(file: string): string {
  const text = readFileSync(join(DIR, file), 'utf8');
  const name = `models/errors/${file}`;
  const result = checkSource({ name, text }, { overrides: overridesOf(text) });
  return renderDiagnostics(result.diagnostics, (n) => (n === name ? text : undefined)) + '\n';
}

const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.tdl')).sort() : [];

describe('diagnostic goldens', () => {
  it.each(files)('%s', (file) => {
    const golden = join(DIR, file.replace(/\.tdl$/, '.errors.txt'));
    const actual = renderGolden(file);
    if (process.env['UPDATE_GOLDENS']) writeFileSync(golden, actual);
    // A missing golden fails: it is written only on purpose, and reviewed.
    expect(existsSync(golden), `${golden} is missing: write it with UPDATE_GOLDENS=1 and review it`).toBe(true);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
    // A golden shows at least one diagnostic (a warnings-only file checks out, with warnings).
    expect(actual).toMatch(/(error|warning)\[[EW]\d{4}\]/);
  });
});
