// The VS Code extension packages without the network: editors/vscode/package.mjs writes a .vsix whose
// manifest starts `tdl lsp` for .tdl files and which carries the grammar of editors/ byte for byte.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), 'tdl-vsix-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The files of a zip archive by name, read from its central directory (stored or deflated). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

describe('the VS Code extension', () => {
  it('packages into a .vsix that starts tdl lsp and carries the grammar', () => {
    const out = join(temp, 'tdl.vsix');
    execFileSync(process.execPath, [join(ROOT, 'editors/vscode/package.mjs'), out], { stdio: 'pipe', timeout: 120_000 });
    const files = unzip(readFileSync(out));
    const manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    expect(manifest.contributes.languages[0]).toMatchObject({ id: 'tdl', extensions: ['.tdl'] });
    expect(manifest.contributes.configuration.properties['tdl.server.command'].default).toBe('tdl');
    expect(manifest.contributes.configuration.properties['tdl.server.args'].default).toEqual(['lsp']);
    const main = files.get(`extension/${manifest.main.replace(/^\.\//, '')}`)!.toString('utf8');
    expect(main).toContain('require("vscode")');
    expect(main).toMatch(/--stdio/); // the language client's stdio transport, bundled in
    expect(files.get(`extension/${manifest.contributes.grammars[0].path.replace(/^\.\//, '')}`)).toEqual(readFileSync(join(ROOT, 'editors/tdl.tmLanguage.json')));
    expect(files.has('extension/src/extension.js')).toBe(false);
    expect(files.has('extension.vsixmanifest')).toBe(true);
  });
});
