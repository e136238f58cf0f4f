// The repository's model files, read once for tests that run over all of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../../..', import.meta.url).pathname;

export interface ModelFile {
  readonly name: string;
  readonly text: string;
}

function read(dir: string, keep: (file: string) => boolean): ModelFile[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.tdl') && keep(f))
    .sort()
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(join(ROOT, dir, f), 'utf8') }));
}

/** Every model in models/ (not the ill-formed ones in models/errors/). */
export const MODEL_FILES: readonly ModelFile[] = read('models', () => true);
/** The syntax-error examples in models/errors/. */
export const SYNTAX_ERROR_FILES: readonly ModelFile[] = read('models/errors', (f) => f.startsWith('syntax-'));
/** Every .tdl file in models/ and models/errors/. */
export const ALL_TDL_FILES: readonly ModelFile[] = [...MODEL_FILES, ...read('models/errors', () => true)];
