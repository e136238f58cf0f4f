// The playground in a real browser: Debian's Chromium (driven by playwright-core, never a download,
// WebGPU on SwiftShader) opens the built page, a model with a shape error is typed in, the diagnostic
// shows at its line, a hover shows a value's shape, the fix clears it, and the Run pane's tokens on
// WebGPU, on the WebAssembly CPU backend, on the JavaScript kernels (a host without cross-origin
// isolation) and with a weights file equal `tdl run`'s for the same seeds. Screenshots of each
// state go to packages/playground/test-output/ (ignored by git); UPDATE_GOLDENS=1 also writes
// docs/playground.png, the README's picture.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeShare, encodeShare } from '../src/share.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CHROMIUM = '/usr/bin/chromium';
const BUNDLE = join(ROOT, 'packages/cli/dist/tdl.mjs');
const SHOTS = join(ROOT, 'packages/playground/test-output');
const ORIGIN = 'http://localhost:8138';
const BROKEN = readFileSync(join(ROOT, 'models/errors/shape-residual-width.tdl'), 'utf8');
const FIXED = BROKEN.replace('x = x + up: linear(ln_2: layer_norm(x), d_ff)', 'x = x + ffn: mlp(ln_2: layer_norm(x), d_ff)');
const PROMPT = '5,17,42';
const MAX_TOKENS = 8;
const INIT_SEED = 3;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

const temp = mkdtempSync(join(tmpdir(), 'tdl-playground-'));
const site = join(temp, 'site');
let browser: Browser;
let page: Page;
const errors: string[] = [];

/** Runs the built CLI; its stdout. */
function tdl(...args: string[]): string {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx -y pnpm@12.4.2 build' before this test`);
  const r = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`tdl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** The tokens `tdl run` generates for the fixed model and the prompt, with seeded weights or a file. */
function cliTokens(weights: string[] = ['--init-seed', String(INIT_SEED)]): number[] {
  const file = join(temp, 'fixed.tdl');
  writeFileSync(file, FIXED);
  const out = tdl('run', file, '--ids', PROMPT, '--max-tokens', String(MAX_TOKENS), ...weights, '--json');
  return (JSON.parse(out) as { generatedIds: number[] }).generatedIds;
}

/** Replaces the editor's text as a user would: select everything, then type (insert) the new text. */
async function typeModel(text: string) {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Moves the mouse over the first text node of the editor holding `needle` (one highlighted token). */
async function hoverText(needle: string) {
  const box = await page.evaluate((n) => {
    const walker = document.createTreeWalker(document.querySelector('.cm-content')!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(n);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at + 1);
      range.setEnd(node, at + 2);
      const r = range.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    }
    return undefined;
  }, needle);
  if (!box) throw new Error(`'${needle}' is not shown in the editor`);
  await page.mouse.move(box.x, box.y);
}

async function shot(name: string) {
  await page.screenshot({ path: join(SHOTS, name) });
}

async function run(backend: 'webgpu' | 'cpu', on: Page = page): Promise<{ tokens: number[]; backend: string; speeds: string }> {
  const page = on;
  await page.locator('nav button[data-tab="run"]').click();
  await page.fill('#prompt', PROMPT);
  await page.fill('#max-tokens', String(MAX_TOKENS));
  await page.fill('#init-seed', String(INIT_SEED));
  await page.selectOption('#backend', backend);
  await page.evaluate(() => delete document.body.dataset['run']);
  await page.click('#run');
  await page.waitForFunction(() => document.body.dataset['run'] === 'done' || document.body.dataset['run'] === 'failed', undefined, { timeout: 60_000 });
  expect(await page.textContent('#run-error')).toBe('');
  return {
    tokens: (await page.textContent('#tokens'))!.split(' ').map(Number),
    backend: (await page.textContent('#run-backend'))!,
    speeds: (await page.textContent('#speeds'))!,
  };
}

// As the WebGPU browser test does: without Chromium this is skipped, unless TDL_REQUIRE_WEBGPU=1.
const skip = !existsSync(CHROMIUM) && process.env['TDL_REQUIRE_WEBGPU'] !== '1';

describe.skipIf(skip)('the playground in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium); TDL_REQUIRE_WEBGPU=1 makes this a failure`);
    mkdirSync(SHOTS, { recursive: true });
    const out = site;
    await build({ configFile: join(ROOT, 'packages/playground/vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('pageerror', (e) => void errors.push(e.message));
    // The static folder as any host serves it, with the headers that give the page SharedArrayBuffer.
    await serve(page, out, true);
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForSelector('.cm-content');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  /** Serves the built folder to `p`, cross-origin isolated or not (a plain static host). */
  async function serve(p: Page, out: string, isolated: boolean) {
    await p.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      const file = join(out, path === '/' ? 'index.html' : path);
      if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({
        body: readFileSync(file),
        contentType: TYPES[extname(file)] ?? 'application/octet-stream',
        headers: isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {},
      });
    });
  }

  it('shows the shape error at its line', async () => {
    await typeModel(BROKEN);
    const problem = page.locator('#problems li.error');
    await problem.first().waitFor();
    // models/errors/shape-residual-width.errors.txt: 11:13 error[E0301].
    expect(await problem.count()).toBe(1);
    expect(await problem.first().textContent()).toMatch(/^11:13 error\[E0301\]: '\+' combines tensors of different widths/);
    expect(await page.textContent('#info')).toMatch(/^The file has errors/);
    await page.locator('.cm-lintRange-error').first().waitFor();
    const lineOfMark = await page.evaluate(() => {
      const mark = document.querySelector('.cm-lintRange-error')!;
      const lines = [...document.querySelectorAll('.cm-content .cm-line')];
      return lines.findIndex((l) => l.contains(mark)) + 1;
    });
    expect(lineOfMark).toBe(11);
    await shot('1-shape-error.png');
  });

  it('hovers a value and shows its shape', async () => {
    await hoverText('ln_1'); // the label, its own token: the whole labelled call
    const tip = page.locator('.cm-tooltip-hover');
    await tip.waitFor();
    expect(await tip.textContent()).toContain('ln_1: layer_norm(x): f32[T, 64]');
    await shot('2-hover.png');
    await page.mouse.move(5, 5);
  });

  it('clears the error when the model is fixed, with shapes inline, the info table and the graph', async () => {
    await typeModel(FIXED);
    await page.waitForSelector('#status.ok');
    expect(await page.locator('#problems li').count()).toBe(0);
    const inlays = await page.locator('.cm-inlay').allTextContents();
    expect(inlays).toEqual([': f32[T, 64]', ': f32[T, 64]', ': f32[T, 64]', ': f32[T, 1000]']);
    expect(await page.textContent('#info')).toMatch(/^model residual_width \(playground\.tdl\): vocabulary 1,000, context 128 tokens/);
    await page.locator('nav button[data-tab="graph"]').click();
    expect(await page.locator('svg.model-graph .node').count()).toBeGreaterThan(8);
    expect(await page.locator('svg.model-graph text.cluster-title').first().textContent()).toBe('layers × 2');
    await shot('3-fixed-graph.png');
  });

  it('runs on WebGPU and on the WebAssembly CPU backend, giving the tokens of tdl run', async () => {
    const expected = cliTokens();
    expect(expected).toHaveLength(MAX_TOKENS);
    const gpu = await run('webgpu');
    expect(gpu.backend).toMatch(/^WebGPU: .*swiftshader/i);
    expect(gpu.tokens).toEqual(expected);
    expect(gpu.speeds).toMatch(/^prefill [\d.]+ tokens\/s \(3 tokens\), decode [\d.]+ tokens\/s \(8 tokens\)$/);
    const cpu = await run('cpu');
    expect(cpu.backend).toBe('CPU: WebAssembly SIMD kernels');
    expect(cpu.tokens).toEqual(expected);
    await shot('4-run.png');
  });

  it('runs on the JavaScript kernels on a host without cross-origin isolation, as tdl run --kernels js', async () => {
    const plain = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    plain.on('pageerror', (e) => void errors.push(e.message));
    await serve(plain, site, false);
    await plain.goto(`${ORIGIN}/index.html${encodeShare(FIXED)}`);
    await plain.waitForSelector('#status.ok');
    const cpu = await run('cpu', plain);
    expect(cpu.backend).toMatch(/^CPU: JavaScript kernels/);
    expect(cpu.tokens).toEqual(cliTokens(['--init-seed', String(INIT_SEED), '--kernels', 'js']));
    await plain.close();
  });

  it('runs with weights from a safetensors file, giving the tokens of tdl run --weights', async () => {
    const model = join(temp, 'fixed.tdl');
    const weights = join(temp, 'weights.safetensors');
    tdl('init', model, '--seed', '11', '--out', weights);
    const expected = cliTokens(['--weights', weights]);
    await page.locator('nav button[data-tab="run"]').click();
    await page.setInputFiles('#weights', weights);
    await page.waitForFunction(() => document.getElementById('drop')!.textContent!.includes('weights.safetensors'));
    const cpu = await run('cpu');
    expect(cpu.tokens).toEqual(expected);
  });

  it('opens the examples of models/ and formats a file', async () => {
    await page.selectOption('#examples', 'llama.tdl');
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'ok: model llama');
    expect(await page.locator('.cm-inlay').count()).toBeGreaterThan(3);
    await typeModel(FIXED.replace('x = wte: embedding(tokens, vocab, d)', 'x=wte:embedding( tokens,vocab ,d )'));
    await page.click('#format');
    await page.waitForFunction(() => document.querySelector('.cm-content')!.textContent!.includes('x = wte: embedding(tokens, vocab, d)'));
    await page.waitForSelector('#status.ok');
  });

  it('puts the file in the link, and opens it from there', async () => {
    await page.click('#share');
    const url = page.url();
    expect(decodeShare(new URL(url).hash)).toBe(FIXED);
    // Open the page from the link afresh: the editor holds the shared file.
    await page.goto(url);
    await page.reload();
    await page.waitForSelector('#status.ok');
    const shown = await page.evaluate(() =>
      [...document.querySelectorAll('.cm-content .cm-line')].map((line) => {
        const copy = line.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.cm-inlay').forEach((w) => w.remove());
        return copy.textContent;
      }),
    );
    expect(shown.join('\n')).toBe(FIXED);
    expect(errors).toEqual([]);
  });

  it('takes the picture for the README', async () => {
    await page.locator('nav button[data-tab="graph"]').click();
    await hoverText('attn');
    await page.locator('.cm-tooltip-hover').waitFor();
    await shot('5-readme.png');
    const docs = join(ROOT, 'docs/playground.png');
    if (process.env['UPDATE_GOLDENS'] === '1') await page.screenshot({ path: docs });
    expect(existsSync(docs), 'docs/playground.png is missing: run this test with UPDATE_GOLDENS=1').toBe(true);
  });
});
