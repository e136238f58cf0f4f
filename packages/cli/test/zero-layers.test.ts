// A model with zero layers is a valid baseline (embedding straight to the head): every model file of
// models/ with `--set layers=0` checks, reports its costs and generates, its checkpoint sections included.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource } from '@tdl/compiler';
import { concatChunks, encodeSafetensors } from '@tdl/runtime';
import { main, type CliIO } from '../src/index.js';
import { ROOT, SHRUNK } from './support/model-files.js';

const temp = mkdtempSync(join(tmpdir(), 'tdl-zero-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function tdl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) } };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const sets = (set: Record<string, number>) => Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
const withLayers = Object.keys(SHRUNK).filter((name) => /\bconst\b[^\n]*\blayers =/.test(readFileSync(join(ROOT, 'models', name), 'utf8')));

describe('--set layers=0', () => {
  it('applies to every model file but none', () => {
    expect(withLayers).toEqual(Object.keys(SHRUNK));
  });

  it.each(withLayers)('%s: check and info report no errors, at its full size', async (name) => {
    const file = join(ROOT, 'models', name);
    const check = await tdl('check', file, '--set', 'layers=0');
    expect(check.stderr).not.toMatch(/error\[/);
    expect(check.code).toBe(0);
    // The tokens flow through the zero layers to the head: they are used.
    expect(check.stdout + check.stderr).not.toMatch(/input 'tokens' is never used/);
    const info = await tdl('info', file, '--set', 'layers=0', '--json');
    expect(info.stderr).toBe('');
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).params.byComponent.some((c: { component: string }) => c.component.includes('*'))).toBe(false);
  });

  it.each(withLayers)('%s: runs on the CPU, embedding to head', async (name) => {
    const file = join(ROOT, 'models', name);
    const shrunk: Record<string, number> = { ...SHRUNK[name]!, layers: 0 };
    const memory = checkSource({ name, text: readFileSync(file, 'utf8') }, { overrides: shrunk }).graph!.items.find((n) => n.op === 'input' && n.role === 'memory');
    const memoryArgs: string[] = [];
    if (memory?.op === 'input') {
      const width = memory.type.shape[1]!.get('')!; // a constant dimension: its constant term
      const path = join(temp, `${name}.memory.safetensors`);
      writeFileSync(path, concatChunks(encodeSafetensors([{ name: 'memory', shape: [3, width], data: new Float32Array(3 * width).fill(0.5) }])));
      memoryArgs.push('--memory', path);
    }
    const r = await tdl('run', file, ...sets(shrunk), ...memoryArgs, '--ids', '1,2', '--max-tokens', '2', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.generatedIds).toHaveLength(2);
    expect(out.generatedIds.every((id: number) => Number.isInteger(id) && id >= 0 && id < shrunk['vocab']!)).toBe(true);
  });
});
