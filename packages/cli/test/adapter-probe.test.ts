// The adapter probe in a child process: Dawn's verdict comes back as data, its warnings never reach
// this process's stderr (they are what the probe keeps, to say why there is no adapter).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeAdapter } from '../src/adapter-probe.js';
import { SWIFTSHADER_ICD } from '../src/vulkan-choice.js';

const temp = mkdtempSync(join(tmpdir(), 'tdl-probe-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('probeAdapter', () => {
  it('finds no adapter behind a driver whose library is missing, and keeps what Dawn said', async () => {
    const manifest = join(temp, 'broken_icd.json');
    writeFileSync(manifest, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: join(temp, 'no-such-driver.so'), api_version: '1.3.0' } }));
    const env = { ...process.env, VK_ICD_FILENAMES: manifest };
    const probe = await probeAdapter(env);
    expect(probe.found).toBe(false);
    expect(probe.found === false && probe.why).toContain('no-such-driver.so');
  });

  it("returns SwiftShader's info when it is the driver", async (ctx) => {
    if (!existsSync(SWIFTSHADER_ICD) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(`SwiftShader (${SWIFTSHADER_ICD}) is not installed: apt-get install chromium libvulkan1`);
    const probe = await probeAdapter({ ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD });
    expect(probe).toMatchObject({ found: true, info: { vendor: 'google', architecture: 'swiftshader' } });
  });
});
