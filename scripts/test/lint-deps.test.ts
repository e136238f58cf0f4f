// The dependency lint passes on the workspace and fails on a deliberate backward import or cycle.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module without declarations
import { lint } from '../lint-deps.mjs';

const dirs: string[] = [];

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tdl-lint-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('dependency lint', () => {
  it('accepts this workspace', () => {
    expect(lint(new URL('../..', import.meta.url).pathname)).toEqual([]);
  });

  it('rejects a runtime importing the compiler', () => {
    const root = workspace({
      'packages/runtime-cpu/src/index.ts': "import { checkSource } from '@tdl/compiler';\nexport const x = checkSource;\n",
    });
    expect(lint(root)).toEqual([
      'packages/runtime-cpu/src/index.ts: @tdl/runtime-cpu must not import @tdl/compiler (allowed: @tdl/runtime)',
    ]);
  });

  it('lets the compiler import the types of the contract, and nothing else of the runtime', () => {
    const root = workspace({
      'packages/compiler/src/a.ts': "import type { ModelManifest } from '@tdl/runtime/contract';\nexport type M = ModelManifest;\n",
      'packages/compiler/src/b.ts': "import { WEIGHT_FORMATS } from '@tdl/runtime/contract';\nexport const w = WEIGHT_FORMATS;\n",
      'packages/compiler/src/c.ts': "import type { Executor } from '@tdl/runtime';\nexport type E = Executor;\n",
    });
    expect(lint(root)).toEqual([
      'packages/compiler/src/b.ts: @tdl/compiler must not import @tdl/runtime (allowed: @tdl/dsl)',
      'packages/compiler/src/c.ts: @tdl/compiler must not import @tdl/runtime (allowed: @tdl/dsl)',
    ]);
  });

  it('rejects the dsl importing backwards from the compiler', () => {
    const root = workspace({ 'packages/dsl/src/a.ts': "export { x } from '@tdl/compiler';\n" });
    expect(lint(root)[0]).toMatch(/@tdl\/dsl must not import @tdl\/compiler/);
  });

  it('rejects file system and process access outside the CLI', () => {
    const root = workspace({
      'packages/runtime/src/a.ts': "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
      'packages/compiler/src/b.ts': 'export const argv = process.argv;\n',
      'packages/cli/src/c.ts': "import { readFileSync } from 'node:fs';\nexport const g = () => process.exit(readFileSync.length);\n",
    });
    expect(lint(root).sort()).toEqual([
      "packages/compiler/src/b.ts: only the CLI may read 'process'",
      "packages/runtime/src/a.ts: only the CLI may import 'node:fs'",
    ]);
  });

  it('rejects an import cycle between modules, but not one made only of types', () => {
    const root = workspace({
      'packages/compiler/src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'packages/compiler/src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'packages/compiler/src/c.ts': "import type { D } from './d.js';\nexport type C = D;\n",
      'packages/compiler/src/d.ts': "import type { C } from './c.js';\nexport type D = C | number;\n",
    });
    expect(lint(root)).toEqual(['import cycle: packages/compiler/src/a.ts -> packages/compiler/src/b.ts -> packages/compiler/src/a.ts']);
  });
});
