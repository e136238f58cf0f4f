// The workspace packages as built JavaScript (`pnpm build` first), for the benchmark scripts.
const dist = (pkg) => new URL(`../../packages/${pkg}/dist/index.js`, import.meta.url).href;

export const compiler = await import(dist('compiler'));
export const runtime = await import(dist('runtime'));
export const cpu = await import(dist('runtime-cpu'));
export const { nodeThreads, CORES } = await import(new URL('../../packages/cli/dist/threads.js', import.meta.url).href);
export const { assemble } = await import(new URL('../../packages/runtime-cpu/dist/wasm/assemble.js', import.meta.url).href);
