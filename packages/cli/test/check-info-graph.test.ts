// tdl check, info and graph through the CLI's own entry point, on the repository's model files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tdl } from './support/run-cli.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const model = (name: string) => join(ROOT, 'models', `${name}.tdl`);
const temp = mkdtempSync(join(tmpdir(), 'tdl-cig-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const sets = (set: Record<string, number> = {}) => Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

describe('tdl info', () => {
  // The published parameter counts, each from a model file in models/ (sizes by --set).
  const published: [string, string, Record<string, number>, number][] = [
    ['GPT-2 small', 'gpt2', {}, 124_439_808],
    ['OPT-125m', 'opt', {}, 125_239_296],
    ['Pythia-160m', 'pythia', {}, 162_322_944],
    ['BLOOM-560m', 'bloom', {}, 559_214_592],
    ['TinyLlama-1.1B', 'llama', { d: 2048, layers: 22, heads: 32, kv_heads: 4, d_ff: 5632, context: 2048 }, 1_100_048_384],
    ['Gemma-2B', 'gemma', {}, 2_506_172_416],
    ['Llama-2-7B', 'llama', {}, 6_738_415_616],
    ['Mistral-7B', 'mistral', {}, 7_241_732_096],
    ['Llama-3-8B', 'llama', { vocab: 128256, kv_heads: 8, d_ff: 14336, context: 8192, theta: 500000 }, 8_030_261_248],
  ];

  it.each(published)('%s: --json reports %#', async (_name, file, set, total) => {
    const r = await tdl('info', model(file), '--json', ...sets(set));
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.params.total).toBe(total);
    expect(info.params.byComponent.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(total);
  });

  it('prints a table: totals, components with shares, FLOPs and memory per dtype', async () => {
    const r = await tdl('info', model('gpt2'));
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`model gpt2 (${model('gpt2')}): vocabulary 50,257, context 1,024 tokens`);
    expect(r.stdout).toMatch(/^parameters +124,439,808 +124\.4 M +100%$/m);
    expect(r.stdout).toMatch(/^ {2}wte +38,597,376 +38\.6 M +31\.0%$/m);
    expect(r.stdout).toMatch(/^ {2}h\.\*\.mlp +56,669,184 +56\.7 M +45\.5%$/m);
    expect(r.stdout).toMatch(/^ {2}weights +474\.70 MiB +237\.35 MiB$/m);
    expect(r.stdout).toMatch(/^ {2}KV cache per token +72\.00 KiB +36\.00 KiB$/m);
    expect(r.stdout).toMatch(/^ {2}KV cache at 1,024 tokens +72\.00 MiB +36\.00 MiB$/m);
    // Every row of a section lines its numbers up in one column.
    const rows = lines.filter((l) => /^ {2}\S/.test(l) && l.includes(' M '));
    const ends = new Set(rows.map((l) => l.indexOf(' M ')));
    expect(ends.size).toBe(1);
  });

  it('takes --context and --memory-length for FLOPs and the cache', async () => {
    const at = async (...flags: string[]) => JSON.parse((await tdl('info', model('transformer'), '--json', ...flags)).stdout).costs;
    const short = await at('--context', '64');
    const long = await at('--context', '512');
    expect(short.context).toBe(64);
    expect(long.decodeFlopsPerToken).toBeGreaterThan(short.decodeFlopsPerToken);
    expect(long.kvBytesFullContext).toBe(8 * short.kvBytesFullContext);
    const memory = await at('--context', '64', '--memory-length', '1000');
    expect(memory.memoryLength).toBe(1000);
    expect(memory.decodeFlopsPerToken).toBeGreaterThan(short.decodeFlopsPerToken);
    const bad = await tdl('info', model('gpt2'), '--context', '0');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("tdl: error: --context must be a whole number of at least 1, got '0'\n");
  });

  it('prints only numbers it holds exactly: Llama-3-405B digit for digit, a count past 2^53 − 1 to five digits', async () => {
    const llama405b = { vocab: 128256, d: 16384, layers: 126, heads: 128, kv_heads: 8, d_ff: 53248, context: 131072, theta: 500000 };
    const big = await tdl('info', model('llama'), ...sets(llama405b));
    expect(big.code).toBe(0);
    expect(big.stdout).toMatch(/^parameters +405,853,388,800 +405\.9 G +100%$/m);
    expect(big.stdout).toMatch(/^ {2}decode, one token +1,896,261,158,912 +1\.9 T$/m);
    expect(big.stdout).toMatch(/^ {2}prefill, per prompt token +1,351,928,538,752 +1\.4 T$/m);
    const far = await tdl('info', model('llama'), '--context', '1000000000000');
    expect(far.code).toBe(0);
    expect(far.stdout).toMatch(/^ {2}decode, one token +≈ 5\.2736e\+17 +527\.4 P$/m);
    expect(far.stdout).toMatch(/^ {2}KV cache at 1,000,000,000,000 tokens +931\.32 PiB +465\.66 PiB$/m);
    const huge = await tdl('info', model('gpt2'), '--context', '1e300');
    expect(huge.stderr).toBe("tdl: error: --context must be a whole number of at least 1, got '1e300'\n");
  });

  it('refuses sizes past 2^53 − 1 with a diagnostic, never a count it cannot hold', async () => {
    const r = await tdl('info', model('gpt2'), '--set', 'd=120000000000');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[E0323]: parameter h.0.attn.q.weight has 14,400,000,000,000,000,000,000 elements, more than 2^53 − 1 = 9,007,199,254,740,991');
    for (const set of ['d=1e300', 'layers=1e20', 'layers=100000000']) {
      const bad = await tdl('info', model('gpt2'), '--set', set);
      expect(bad.code, set).toBe(1);
      expect(bad.stderr.match(/error\[E02\d\d\]/g), set).toHaveLength(1);
    }
  });

  it('refuses a model with errors, after printing them', async () => {
    const r = await tdl('info', model('gpt2'), '--set', 'heads=7');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[E0303]: 7 heads do not divide the width 768');
    expect(r.stderr).toMatch(/tdl: .*gpt2\.tdl has errors\n$/);
  });
});

describe('tdl check', () => {
  it('checks every model in models/ without errors', async () => {
    const files = ['gpt2', 'llama', 'transformer', 'transformer-prenorm', 'opt', 'pythia', 'bloom', 'mistral', 'gemma'].map(model);
    const r = await tdl('check', ...files);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${model('mistral')}: ok, model mistral, 7,241,732,096 parameters\n`);
    expect(r.stdout.endsWith(`all ${files.length} files ok\n`)).toBe(true);
  });

  it('renders errors with a caret and exits 1; warnings alone exit 0', async () => {
    const bad = await tdl('check', join(ROOT, 'models/errors/cross-qk-from-memory.tdl'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/cross-qk-from-memory\.tdl: 1 error\n$/);
    expect(bad.stderr).toContain('error[E0312]: attention keys and values differ in length');
    expect(bad.stderr).toContain('^ values have length T (from x), keys have length S (from memory)');

    const warned = await tdl('check', join(ROOT, 'models/errors/shape-unused.tdl'));
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/shape-unused\.tdl: ok, model unused, [\d,]+ parameters, 4 warnings\n$/);
    expect(warned.stderr).toContain('warning[W0401]');
  });

  it('applies --set, and names a constant the model lacks', async () => {
    const r = await tdl('check', model('gpt2'), '--set', 'layers=2');
    expect(r.stdout).toMatch(/gpt2\.tdl: ok, model gpt2, 53,561,088 parameters\n/);
    const typo = await tdl('check', model('gpt2'), '--set', 'layer=2');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("error[E0213]: --set layer: model 'gpt2' has no constant 'layer'");
  });

  it('goes on past an unreadable file and counts it as failed', async () => {
    const good = join(temp, 'good.tdl');
    writeFileSync(good, 'model m {\n  input tokens: i32[T <= 8]\n  output logits = linear(embedding(tokens, 10, 4), 10)\n}\n');
    const r = await tdl('check', join(temp, 'missing.tdl'), good);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tdl: error: cannot read .*missing\.tdl: no such file or folder\n$/);
    expect(r.stdout).toMatch(/missing\.tdl: not checked\n.*good\.tdl: ok, model m, 90 parameters\n1 file of 2 failed\n$/);
    const none = await tdl('check');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('tdl check needs at least one model file');
  });
});

describe('tdl graph', () => {
  /** Subgraph titles and the number of boxes of a Mermaid diagram. */
  const shape = (text: string) => ({
    clusters: [...text.matchAll(/^ {2}subgraph \S+\["([^"]*)"\]$/gm)].map((m) => m[1]),
    boxes: [...text.matchAll(/^ +n\d+\["/gm)].length,
  });

  it('draws a repeat region once, whatever the layer count', async () => {
    const twelve = await tdl('graph', model('gpt2'));
    expect(twelve.code).toBe(0);
    expect(twelve.stdout.startsWith('%% model gpt2\nflowchart TD\n')).toBe(true);
    const small = shape(twelve.stdout);
    expect(small.clusters).toEqual(['h × 12 (all 12 layers)']);
    const deep = shape((await tdl('graph', model('gpt2'), '--set', 'layers=48')).stdout);
    expect(deep.clusters).toEqual(['h × 48 (all 48 layers)']);
    expect(deep.boxes).toBe(small.boxes);
    expect(twelve.stdout).toContain('attn: attention (12 heads, causal) f32[T, 768]');
    expect(twelve.stdout).toContain('lm_head: linear (tied to wte.weight) f32[T, 50257]');
  });

  it('draws one cluster per distinct layer body', async () => {
    const file = join(temp, 'alternating.tdl');
    writeFileSync(
      file,
      [
        'model alternating {',
        '  const vocab = 100, context = 64, d = 32, heads = 4, layers = 6',
        '  input tokens: i32[T <= context]',
        '  x = embed: embedding(tokens, vocab, d)',
        '  repeat layers as i {',
        '    x = x + attn: attention(rms_norm(x), heads, mask = if i % 3 == 2 then causal else sliding(16))',
        '    x = x + mlp: gated_mlp(rms_norm(x), 2 * d)',
        '  }',
        '  output logits = head: linear(rms_norm(x), vocab)',
        '}',
      ].join('\n'),
    );
    const r = await tdl('graph', file);
    expect(shape(r.stdout).clusters).toEqual(['layers × 4 (layers 0, 1, 3, 4)', 'layers × 2 (layers 2, 5)']);
    const dot = await tdl('graph', file, '--format', 'dot');
    expect(dot.stdout.startsWith('digraph "alternating" {\n')).toBe(true);
    expect(dot.stdout.match(/subgraph cluster_/g)).toHaveLength(2);
    expect(dot.stdout).toContain('label="layers × 2 (layers 2, 5)";');
    expect(dot.stdout.split('{').length).toBe(dot.stdout.split('}').length);
  });

  it('rejects an unknown format', async () => {
    const r = await tdl('graph', model('gpt2'), '--format', 'svg');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tdl: error: --format is mermaid or dot, not 'svg'\n");
  });
});
