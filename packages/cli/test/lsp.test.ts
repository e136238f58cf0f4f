// `tdl lsp` driven over JSON-RPC as an editor drives it: initialize, open a model with a shape error,
// read the diagnostic, hover, inlay hints, definition, symbols, formatting, completion, fix it, shut down.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient } from './support/lsp-client.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BUNDLE = join(ROOT, 'packages/cli/dist/tdl.mjs');
const URI = 'file:///work/residual.tdl';
const BROKEN = readFileSync(join(ROOT, 'models/errors/shape-residual-width.tdl'), 'utf8');
// The same model with the feed-forward network projected back to d: it checks.
const FIXED = BROKEN.replace('x = x + up: linear(ln_2: layer_norm(x), d_ff)', 'x = x + ffn: mlp(ln_2: layer_norm(x), d_ff)');

type Position = { line: number; character: number };
type Range = { start: Position; end: Position };
type Diagnostics = { uri: string; version?: number; diagnostics: { range: Range; severity: number; code: string; message: string; source: string }[] };

/** 0-based line and character of the `nth` occurrence of `needle` in `text`, plus `k` characters. */
function pos(text: string, needle: string, k = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`'${needle}' is not in the text`);
  const lines = text.slice(0, at + k).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

describe('tdl lsp', () => {
  let client: LspClient;
  const doc = { textDocument: { uri: URI } };

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx -y pnpm@12.4.2 build' before these tests`);
    client = new LspClient(process.execPath, [BUNDLE, 'lsp', '--stdio']);
    const init = await client.request<{ capabilities: Record<string, unknown>; serverInfo: { name: string } }>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    expect(init.serverInfo.name).toBe('tdl');
    expect(init.capabilities).toMatchObject({ hoverProvider: true, inlayHintProvider: true, definitionProvider: true, documentSymbolProvider: true, documentFormattingProvider: true });
    client.notify('initialized', {});
    client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'tdl', version: 1, text: BROKEN } });
  });
  afterAll(() => client?.kill());

  it('publishes the shape error with the CLI code and message at its line', async () => {
    const published = await client.notification<Diagnostics>('textDocument/publishDiagnostics', (p) => p.version === 1);
    expect(published.diagnostics).toHaveLength(1);
    const [d] = published.diagnostics;
    // models/errors/shape-residual-width.errors.txt: 11:13 error[E0301] (1-based), so line 10, character 12.
    expect(d).toMatchObject({ code: 'E0301', severity: 1, source: 'tdl', range: { start: { line: 10, character: 12 } } });
    expect(d!.message.split('\n')[0]).toBe("'+' combines tensors of different widths");
  });

  it('hovers a value with its symbolic shape', async () => {
    const h = await client.request<{ contents: { kind: string; value: string } }>('textDocument/hover', { ...doc, position: pos(BROKEN, 'ln_2: layer_norm', 1) });
    expect(h.contents.kind).toBe('markdown');
    expect(h.contents.value).toContain('ln_2: layer_norm(x): f32[T, 64]');
    expect(h.contents.value).toContain('parameters: 256 (2 layers)'); // weight and bias of width 64, in each of 2 layers
  });

  it('clears the diagnostic when the file is fixed, and hints every shape', async () => {
    client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: FIXED }] });
    const published = await client.notification<Diagnostics>('textDocument/publishDiagnostics', (p) => p.version === 2);
    expect(published.diagnostics).toEqual([]);
    const hints = await client.request<{ position: Position; label: string }[]>('textDocument/inlayHint', { ...doc, range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } } });
    expect(hints.map((h) => `${h.position.line}:${h.label}`)).toEqual(['7:: f32[T, 64]', '9:: f32[T, 64]', '10:: f32[T, 64]', '12:: f32[T, 1000]']);
    expect(hints[0]!.position.character).toBe(FIXED.split('\n')[7]!.length);
  });

  it('goes to the definition of a constant', async () => {
    const toConst = await client.request<{ uri: string; range: Range }>('textDocument/definition', { ...doc, position: pos(FIXED, 'heads)', 1) });
    expect(toConst.uri).toBe(URI);
    expect(toConst.range.start).toEqual(pos(FIXED, 'heads = 4'));
  });

  it('lists document symbols', async () => {
    const symbols = await client.request<{ name: string; kind: number; children: { name: string; kind: number }[] }[]>('textDocument/documentSymbol', doc);
    expect(symbols.map((s) => s.name)).toEqual(['residual_width']);
    expect(symbols[0]!.children.map((c) => c.name)).toEqual(['vocab', 'context', 'd', 'heads', 'd_ff', 'layers', 'tokens', 'wte', 'layers', 'logits']);
  });

  it('formats with the canonical layout', async () => {
    const messy = FIXED.replace('x = wte: embedding(tokens, vocab, d)', 'x=wte:embedding( tokens,vocab ,d )');
    client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: messy }] });
    const edits = await client.request<{ range: Range; newText: string }[]>('textDocument/formatting', { ...doc, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe(FIXED);
  });

  it("completes an operator's arguments with their documentation", async () => {
    const text = FIXED.replace('attention(ln_1: layer_norm(x), heads)', 'attention(ln_1: layer_norm(x), heads, ma)');
    client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 4 }, contentChanges: [{ text }] });
    const items = await client.request<{ label: string; kind: number; textEdit: { newText: string; range: Range }; documentation?: { value: string } }[]>('textDocument/completion', {
      ...doc,
      position: pos(text, 'ma)', 2),
    });
    const mask = items.find((i) => i.label === 'mask')!;
    expect(mask.textEdit.newText).toBe('mask = ');
    expect(mask.textEdit.range.start).toEqual(pos(text, 'ma)'));
    expect(mask.documentation?.value).toMatch(/causal/);
  });

  it('shuts down and exits cleanly', async () => {
    await client.request('shutdown', null);
    client.notify('exit', null);
    expect(await client.exited).toBe(0);
  });
});
