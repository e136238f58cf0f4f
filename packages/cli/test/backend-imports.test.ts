// `--backend webgpu` never builds the CPU module, so it never loads TypeScript's compiler (megabytes,
// seconds): the CLI runs in a child process that reports whether it did. The CPU run shows the report
// can say yes. It runs the built CLI (dist/), as CI builds before it tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const MAIN = new URL('../dist/main.js', import.meta.url).pathname;
const HOOK = new URL('./support/report-typescript.cjs', import.meta.url).pathname;
const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;

function run(backend: 'cpu' | 'webgpu'): { code: number | null; stderr: string; typescript: boolean } {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build the CLI first (pnpm build)`);
  const r = spawnSync(process.execPath, ['--require', HOOK, MAIN, 'run', TINY, '--ids', '1,2,3', '--max-tokens', '2', '--backend', backend], {
    encoding: 'utf8',
    env: process.env,
    timeout: 120_000,
  });
  const report = /typescript loaded: (true|false)/.exec(r.stderr);
  if (!report) throw new Error(`no report from the child process:\n${r.stderr}`);
  return { code: r.status, stderr: r.stderr, typescript: report[1] === 'true' };
}

describe('what each backend loads', () => {
  it('the CPU backend loads TypeScript to transpile its module (so the report can say yes)', () => {
    const r = run('cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.typescript).toBe(true);
  });

  it('the WebGPU backend does not load TypeScript', (ctx) => {
    const r = run('webgpu');
    if (r.code !== 0 && /no WebGPU adapter/.test(r.stderr) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(r.stderr.trim());
    expect(r.code, r.stderr).toBe(0);
    expect(r.typescript).toBe(false);
  });
});
