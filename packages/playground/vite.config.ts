// The playground's build: a static folder (dist/) with relative paths, so it can be hosted anywhere.
// The dev server sends the cross-origin isolation headers that SharedArrayBuffer, and so the CPU
// backend's WebAssembly kernels, need; a host without them gets the JavaScript kernels.
import { defineConfig } from 'vite';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  resolve: { conditions: ['source', 'browser', 'module'] },
  server: { headers: isolation, fs: { allow: [new URL('../..', import.meta.url).pathname] } },
  preview: { headers: isolation },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
});
