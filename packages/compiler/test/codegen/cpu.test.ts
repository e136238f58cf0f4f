// The generated CPU module of every model in models/ is snapshot-tested and passes tsc --strict.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { checkSource, generateCpuModule } from '../../src/index.js';

const ROOT = new URL('../../../..', import.meta.url).pathname;
const MODELS = join(ROOT, 'models');
const files = readdirSync(MODELS).filter((f) => f.endsWith('.tdl')).sort();

function generate(file: string): string {
  const name = `models/${file}`;
  const result = checkSource({ name, text: readFileSync(join(MODELS, file), 'utf8') });
  if (!result.ok || !result.graph) throw new Error(`${name} does not check: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return generateCpuModule(result.graph, name).typescript;
}

describe('CPU code generation', () => {
  const modules = new Map(files.map((f) => [f, generate(f)]));

  it.each(files)('%s matches its snapshot', async (file) => {
    // vitest writes a missing file snapshot (outside CI): refuse that, unless asked to (-u, or UPDATE_GOLDENS=1).
    const snapshot = new URL(`./__snapshots__/cpu/${file.replace(/\.tdl$/, '.ts')}`, import.meta.url).pathname;
    const updating = !!process.env['UPDATE_GOLDENS'] || process.argv.includes('-u') || process.argv.includes('--update');
    expect(updating || existsSync(snapshot), `${snapshot} is missing: write it with UPDATE_GOLDENS=1 (or vitest -u) and review it`).toBe(true);
    await expect(modules.get(file)).toMatchFileSnapshot(`./__snapshots__/cpu/${file.replace(/\.tdl$/, '.ts')}`);
  });

  it('every generated module passes tsc --strict', () => {
    const runtimeCpu = join(ROOT, 'packages/runtime-cpu/src/index.ts');
    const virtual = new Map([...modules].map(([f, text]) => [join(ROOT, '.generated', f.replace(/\.tdl$/, '.ts')), text]));
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
      noUnusedParameters: false,
      paths: { '@tdl/runtime-cpu': [runtimeCpu], '@tdl/runtime': [join(ROOT, 'packages/runtime/src/index.ts')] },
      baseUrl: ROOT,
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (f) => virtual.get(f) ?? readFile(f);
    host.fileExists = (f) => virtual.has(f) || fileExists(f);
    host.getSourceFile = (f, v, onError, create) =>
      virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, v, true, ts.ScriptKind.TS) : getSourceFile(f, v, onError, create);
    const program = ts.createProgram([...virtual.keys()], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && virtual.has(d.file.fileName));
    const messages = diagnostics.map((d) => {
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${d.file!.fileName}:${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  });
});
