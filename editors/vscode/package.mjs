// Packages the VS Code extension without the network: copies the grammar and language configuration
// from editors/, bundles src/extension.js with its language client into dist/, then runs vsce.
// Usage: node editors/vscode/package.mjs [OUT.vsix] (default editors/vscode/tdl-vscode-VERSION.vsix).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(`${here}package.json`, 'utf8'));
const out = resolve(process.argv[2] ?? `${here}tdl-vscode-${version}.vsix`);

mkdirSync(`${here}syntaxes`, { recursive: true });
for (const file of ['tdl.tmLanguage.json', 'language-configuration.json']) copyFileSync(`${here}../${file}`, `${here}syntaxes/${file}`);

await build({
  entryPoints: [`${here}src/extension.js`],
  outfile: `${here}dist/extension.js`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  external: ['vscode'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// vsce's own entry point, run with this Node; dependencies are bundled, so vsce need not list them.
const vsce = createRequire(`${here}package.json`).resolve('@vscode/vsce/vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', out], { cwd: here, stdio: 'inherit' });
