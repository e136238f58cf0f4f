// The kernels of one model: each rendered from its template once, deduplicated by source text, named.
import { templatesFor } from '../render.js';
import type { BindingKind, PlanKernel } from '@tdl/runtime/contract/webgpu';

const template = templatesFor('webgpu');

/** What a kernel file (kernels/*.ts) describes: a template, its view, and facts the runtime checks. */
export interface KernelSpec {
  /** The template, `matmul` for templates/matmul.wgsl.hbs. */
  readonly template: string;
  /** A readable name; kernels that differ in source but share one get a numeric suffix. */
  readonly base: string;
  /** A one-line description for the file's header. */
  readonly summary: string;
  readonly view: Record<string, unknown>;
  /** Bindings after binding 0 (the uniform parameters), in order. */
  readonly bindings: readonly Exclude<BindingKind, 'uniform'>[];
  readonly invocations: number;
  readonly workgroupStorage: number;
}

export class KernelSet {
  private readonly bySource = new Map<string, string>();
  private readonly taken = new Set<string>();
  readonly kernels: PlanKernel[] = [];
  readonly sources: Record<string, string> = {};

  /** Renders a kernel and returns its name; the same source twice gives the same name. */
  add(spec: KernelSpec): string {
    const source = template(`${spec.template}.wgsl`)({ ...spec.view, summary: spec.summary });
    const known = this.bySource.get(source);
    if (known) return known;
    let name = spec.base;
    for (let n = 2; this.taken.has(name); n++) name = `${spec.base}_${n}`;
    this.taken.add(name);
    this.bySource.set(source, name);
    this.sources[name] = source;
    this.kernels.push({
      name,
      file: `kernels/${name}.wgsl`,
      bindings: ['uniform', ...spec.bindings],
      invocations: spec.invocations,
      workgroupStorage: spec.workgroupStorage,
    });
    return name;
  }
}
