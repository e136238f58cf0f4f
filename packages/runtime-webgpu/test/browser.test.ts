// The browser smoke test: a page bundled from the workspace compiles a model file and generates tokens
// with navigator.gpu in headless Chromium (Debian's, driven by playwright-core; never a download),
// and its tokens equal those of Node on the CPU and on WebGPU. The bundle must not pull in Node
// modules or TypeScript's compiler.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { generate, initWeights, type Executor } from '@tdl/runtime';
import type { PageResult } from './browser/page.js';
import { compileSource, cpuExecutor, webgpuExecutor } from './support/backends.js';
import { deviceOrSkip } from './support/gpu.js';

const CHROMIUM = '/usr/bin/chromium';
const MODEL = new URL('../../cli/test/fixtures/tiny.tdl', import.meta.url).pathname;
const ORIGIN = 'http://localhost:8137';
const PROMPT = [1, 2, 3, 4];
const SEED = 5;

/** Bundles the page as an ES module; fails on any warning (a Node module left out, say). */
async function bundle(): Promise<string> {
  const warnings: string[] = [];
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    customLogger: {
      info: () => {},
      warn: (m) => void warnings.push(m),
      warnOnce: (m) => void warnings.push(m),
      error: (m) => void warnings.push(m),
      clearScreen: () => {},
      hasErrorLogged: () => false,
      hasWarned: false,
    },
    resolve: { conditions: ['source', 'browser', 'module'] },
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: new URL('./browser/page.ts', import.meta.url).pathname, formats: ['es'], fileName: 'page' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunks = outputs.flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  expect(warnings).toEqual([]);
  expect(chunks).toHaveLength(1);
  return chunks[0]!.code;
}

async function tokensOf(executor: Executor): Promise<number[]> {
  const tokens: number[] = [];
  for await (const event of generate(executor, PROMPT, { maxTokens: 6 })) if (event.kind === 'token') tokens.push(event.id);
  return tokens;
}

describe('in a browser', () => {
  it('compiles and runs a model file with navigator.gpu, giving the tokens of Node', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      if (process.env['TDL_REQUIRE_WEBGPU'] === '1') throw new Error(`${CHROMIUM} is missing (apt-get install chromium); TDL_REQUIRE_WEBGPU=1 makes this a failure`);
      ctx.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    }
    const source = readFileSync(MODEL, 'utf8');
    const code = await bundle();
    // Self-contained (no import left for the browser to resolve) and without TypeScript's compiler.
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/typescript@|transpileModule/);

    const graph = compileSource(source);
    const weights = initWeights(graph.params, SEED);
    const onCpu = await tokensOf(cpuExecutor(graph, weights));
    const device = await deviceOrSkip(ctx);
    const gpu = await webgpuExecutor(device, graph, weights);
    const onNodeGpu = await tokensOf(gpu);
    gpu.dispose();
    expect(onNodeGpu).toEqual(onCpu);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--use-webgpu-adapter=swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => void errors.push(e.message));
      await page.route(`${ORIGIN}/**`, (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/page.js') return route.fulfill({ contentType: 'text/javascript', body: code });
        return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>tdl</title><script type="module" src="/page.js"></script>' });
      });
      await page.goto(`${ORIGIN}/`);
      await page.waitForFunction(() => 'runModel' in globalThis);
      const result = (await page.evaluate(
        ([text, prompt, seed]) => (globalThis as unknown as { runModel: (s: string, p: number[], n: number, seed: number) => Promise<PageResult> }).runModel(text, prompt, 6, seed),
        [source, PROMPT, SEED] as [string, number[], number],
      )) as PageResult;
      expect(errors).toEqual([]);
      expect(result.adapter).toMatch(/swiftshader/i);
      expect(result.tokens).toEqual(onCpu);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
