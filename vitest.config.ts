// One vitest run for the whole workspace; packages resolve to their TypeScript sources.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'threads',
    // WebGPU tests: SwiftShader as the Vulkan driver when none is set (see the file).
    globalSetup: ['packages/runtime-webgpu/test/support/global-setup.ts'],
  },
});
