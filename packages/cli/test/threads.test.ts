// The CLI's CPU flags: --threads and --kernels change how a model runs, never what greedy decoding
// picks (threads give the bits of one thread), and bad values get one clear line.
import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../src/index.js';

const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;

async function tdl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (s) => void (stdout += s) }, stderr: { write: (s) => void (stderr += s) } };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('tdl run --threads and --kernels', () => {
  it('generates the same tokens on one thread and on three', async () => {
    const run = async (threads: string) => JSON.parse((await tdl('run', TINY, '--ids', '1,2,3', '--max-tokens', '12', '--json', '--threads', threads)).stdout).generatedIds;
    const one = await run('1');
    expect(one).toHaveLength(12);
    expect(await run('3')).toEqual(one);
    const js = await tdl('run', TINY, '--ids', '1,2,3', '--max-tokens', '3', '--json', '--kernels', 'js');
    expect(js.code).toBe(0);
  });

  it('refuses an unknown kernel set or a thread count below 1', async () => {
    const k = await tdl('run', TINY, '--kernels', 'gpu');
    expect([k.code, k.stderr]).toEqual([1, "tdl: error: unknown --kernels 'gpu': use wasm or js\n"]);
    const t = await tdl('run', TINY, '--threads', '0');
    expect(t.code).toBe(1);
    expect(t.stderr).toBe("tdl: error: --threads must be a whole number of at least 1, got '0'\n");
  });
});
