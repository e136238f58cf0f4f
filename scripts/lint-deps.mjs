// The dependency lint: imports follow the design's one-way order, no import cycles, and only the CLI
// touches the file system or the process. Usage: node scripts/lint-deps.mjs [ROOT]; exits 1 on a violation.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';

/** Which workspace packages each package may import. */
export const ALLOWED = {
  dsl: [],
  compiler: ['dsl'],
  runtime: [],
  'runtime-cpu': ['runtime'],
  'runtime-webgpu': ['runtime'],
  /** Property tests for model files, a library: it compiles and runs models, so it sits above both. */
  testing: ['dsl', 'compiler', 'runtime', 'runtime-cpu', 'runtime-webgpu'],
  // Editor features on the compiler's results, shared by `tdl lsp` and the browser playground.
  'language-service': ['dsl', 'compiler'],
  cli: ['dsl', 'compiler', 'runtime', 'runtime-cpu', 'runtime-webgpu', 'testing', 'language-service'],
  // The browser playground: an app like the CLI, but with no file system or process of its own.
  playground: ['dsl', 'compiler', 'runtime', 'runtime-cpu', 'runtime-webgpu', 'language-service'],
};

/**
 * Type-only imports allowed besides: the contract the compiler hands the runtimes (manifest, plans,
 * weight formats) is declared once in @tdl/runtime/contract, which imports nothing; the compiler may
 * `import type` it, which leaves no trace in its JavaScript. Any other import of it is refused.
 */
export const TYPES_ONLY = {
  compiler: ['@tdl/runtime/contract', '@tdl/runtime/contract/webgpu'],
};

/** Packages allowed to use the file system and the process. */
const SYSTEM_ACCESS = new Set(['cli']);
const FS_MODULES = /^(node:)?(fs|fs\/promises|child_process|process)$/;

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Import specifiers of a module, static and dynamic (comments stripped first). */
function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const specs = [];
  const typeOnly = new Set();
  for (const m of code.matchAll(/\b(import|export)\s+(type\s)?[^'"`;]*?from\s*['"]([^'"]+)['"]/g)) {
    specs.push(m[3]);
    if (m[2]) typeOnly.add(m[3]);
  }
  for (const m of code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) specs.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  for (const m of code.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  // Type-only imports vanish from the JavaScript, so they cannot form a cycle at run time.
  return { specs, typeOnly, usesProcess: /(^|[^.\w$])process\s*\./m.test(code) };
}

export function lint(root) {
  const problems = [];
  const packagesDir = join(root, 'packages');
  const packages = existsSync(packagesDir) ? readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'src'))) : [];
  const moduleGraph = new Map();
  for (const pkg of packages) {
    if (!(pkg in ALLOWED)) {
      problems.push(`packages/${pkg}: not in the dependency table of scripts/lint-deps.mjs`);
      continue;
    }
    for (const file of sourceFiles(join(packagesDir, pkg, 'src'))) {
      const rel = relative(root, file);
      const { specs, typeOnly, usesProcess } = importsOf(readFileSync(file, 'utf8'));
      const edges = [];
      for (const spec of specs) {
        const internal = /^@tdl\/([\w-]+)/.exec(spec);
        if (internal) {
          const target = internal[1];
          const typeEdge = typeOnly.has(spec) && (TYPES_ONLY[pkg] ?? []).includes(spec);
          if (target !== pkg && !ALLOWED[pkg].includes(target) && !typeEdge) problems.push(`${rel}: @tdl/${pkg} must not import @tdl/${target} (allowed: ${ALLOWED[pkg].map((p) => '@tdl/' + p).join(', ') || 'none'})`);
        } else if (FS_MODULES.test(spec) && !SYSTEM_ACCESS.has(pkg)) {
          problems.push(`${rel}: only the CLI may import '${spec}'`);
        } else if (spec.startsWith('.') && !typeOnly.has(spec)) {
          const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
          edges.push(target);
        }
      }
      if (usesProcess && !SYSTEM_ACCESS.has(pkg)) problems.push(`${rel}: only the CLI may read 'process'`);
      moduleGraph.set(resolve(file), edges);
    }
  }
  problems.push(...findCycles(moduleGraph, root), ...packageCycles());
  return problems;
}

/** Module-level import cycles, each reported once. */
function findCycles(graph, root) {
  const problems = [];
  const state = new Map();
  const stack = [];
  const seen = new Set();
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next)).map((f) => relative(root, f));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          problems.push(`import cycle: ${[...cycle, cycle[0]].join(' -> ')}`);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return problems;
}

/** The package table itself must be acyclic. */
function packageCycles() {
  const problems = [];
  const visit = (pkg, path) => {
    if (path.includes(pkg)) {
      problems.push(`package cycle: ${[...path, pkg].join(' -> ')}`);
      return;
    }
    for (const dep of ALLOWED[pkg] ?? []) visit(dep, [...path, pkg]);
  };
  for (const pkg of Object.keys(ALLOWED)) visit(pkg, []);
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);
  const problems = lint(root);
  if (problems.length) {
    console.error(`dependency lint: ${problems.length} problem${problems.length > 1 ? 's' : ''}`);
    for (const p of problems) console.error('  ' + p);
    process.exit(1);
  }
  console.log('dependency lint: ok');
}
