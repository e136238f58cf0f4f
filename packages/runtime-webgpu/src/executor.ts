// The WebGPU Executor: runs a compiled plan for the shared generation loop. Weights are uploaded once,
// the KV cache stays in GPU buffers, long prompts run in chunks of rows, and only the logits asked for
// (the last row, or every row) come back.
import { UsageError, validateMemory, validateTokens, type Executor, type ForwardOptions, type ModelSpec, type WeightMap } from '@tdl/runtime';
import { BufferManager, concreteBuffers, type ConcreteBuffer } from './buffers.js';
import type { WebGpuDevice } from './device.js';
import { WebGpuError } from './errors.js';
import { compileExpr, type CompiledExpr, type Symbols } from './expr.js';
import { BufferUsage, MapMode } from './gpu-flags.js';
import { WebGpuSequences, type CacheSnapshot } from './sequences.js';
import { checkBuffers, checkKernels, rowCapacity } from './limits.js';
import { PipelineCache, type CompilationMessage, type CompiledKernel } from './pipelines.js';
import type { WebGpuProgram } from '@tdl/runtime/contract/webgpu';
import { Instantiator, type DispatchInstance, type Instance } from './program.js';
import { source, uploadConstant, uploadWeight } from './upload.js';

export interface WebGpuExecutorOptions {
  /** The most rows one call computes; longer prompts run in chunks of this many (default 256). */
  readonly maxRows?: number;
}

/** The uniform parameters every kernel reads: 8 u32 (see the kernels' Params struct). */
const UNIFORM_BYTES = 32;

export class WebGpuExecutor implements Executor {
  readonly spec: ModelSpec;
  /** Rows one call computes at most (longer prompts run in chunks). */
  readonly rowCapacity: number;
  private cached = 0;
  private memoryRows = 0;
  private memoryCapacity = 0;
  private disposed = false;
  private readback?: GPUBuffer;
  private readonly uniformData: Uint32Array;
  private readonly uniformStride: number;
  private readonly uniformBuffer: GPUBuffer;
  private readonly uniforms: readonly (readonly CompiledExpr[])[];

  private constructor(
    private readonly gpu: WebGpuDevice,
    private readonly program: WebGpuProgram,
    private readonly buffers: BufferManager,
    private readonly concrete: readonly ConcreteBuffer[],
    private readonly steps: { readonly memory: Instance[]; readonly forward: Instance[]; readonly tail: Instance[] },
    /** Every compilation message of the model's kernels (tdl's kernels compile without any). */
    readonly messages: readonly CompilationMessage[],
    capacity: number,
  ) {
    const m = program.plan.model;
    this.spec = {
      name: m.name,
      vocabSize: m.vocab,
      contextLength: m.context,
      ...(m.memory ? { memory: m.memory } : {}),
      ...(m.recomputeCacheAt !== undefined ? { recomputeCacheAt: m.recomputeCacheAt } : {}),
    };
    this.rowCapacity = capacity;
    this.uniformStride = Math.max(UNIFORM_BYTES, gpu.limits.minUniformBufferOffsetAlignment);
    const uniformCount = Math.max(1, program.plan.uniforms.length);
    this.uniformData = new Uint32Array((uniformCount * this.uniformStride) / 4);
    this.uniformBuffer = buffers.extra('uniforms', uniformCount * this.uniformStride, BufferUsage.UNIFORM | BufferUsage.COPY_DST);
    this.uniforms = program.plan.uniforms.map((u) => [u.rows, u.start, u.keys, u.inputs, u.outputs].map(compileExpr));
  }

  /**
   * Checks the plan against the device's limits, compiles its kernels, allocates its buffers and
   * uploads the weights. Nothing is allocated when a check fails.
   */
  static async create(gpu: WebGpuDevice, program: WebGpuProgram, weights: WeightMap, options: WebGpuExecutorOptions = {}): Promise<WebGpuExecutor> {
    gpu.check();
    const plan = program.plan;
    if (plan.format !== 'tdl-webgpu-plan' || plan.version !== 1) throw new UsageError(`not a tdl WebGPU plan of version 1 (format '${plan.format}', version ${plan.version})`);
    const limits = gpu.limits;
    const concrete = concreteBuffers(plan.buffers);
    checkKernels(plan.kernels, limits);
    checkBuffers(concrete.filter((b) => b.sizeClass === 'static'), { R: 0, past: 0, S: 0, tail: 0 }, limits);
    const capacity = rowCapacity(concrete, Math.min(plan.model.context, options.maxRows ?? 256), limits);
    for (const b of concrete) {
      if (b.plan.role !== 'weight') continue;
      const w = weights.get(b.name);
      if (!w) throw new UsageError(`no weights for parameter ${b.name}`);
      if (w.length !== Number(b.plan.elements)) throw new UsageError(`weights for parameter ${b.name} have ${w.length} values; ${b.plan.shape} needs ${b.plan.elements}`);
    }

    const cache = PipelineCache.of(gpu.device);
    const kernels = new Map<string, CompiledKernel>();
    await Promise.all(
      plan.kernels.map(async (k) => {
        const source = program.kernels[k.name];
        if (source === undefined) throw new UsageError(`the plan names a kernel '${k.name}' whose WGSL is missing`);
        kernels.set(k.name, await cache.get(k, source));
      }),
    );
    const messages = plan.kernels.flatMap((k) => kernels.get(k.name)!.messages);
    const instantiator = new Instantiator(kernels);
    const steps = { memory: instantiator.steps(plan.memory), forward: instantiator.steps(plan.forward), tail: instantiator.steps(plan.tail) };

    const buffers = new BufferManager(gpu.device);
    const device = gpu.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const sized = { R: capacity, tail: capacity, past: 0, S: 0 };
    try {
      for (const b of concrete) {
        if (b.sizeClass === 'memory') continue;
        const buffer = buffers.allocate(b, sized);
        if (b.plan.role === 'weight') uploadWeight(device, buffer, weights.get(b.name)!, b.plan.dtype);
        if (b.plan.role === 'constant') uploadConstant(device, buffer, b.plan.data ?? [], b.plan.dtype);
      }
    } finally {
      const validation = await device.popErrorScope();
      const memory = await device.popErrorScope();
      const error = memory ?? validation;
      if (error) {
        buffers.destroy();
        gpu.check();
        throw new WebGpuError(`could not allocate the buffers of model '${plan.model.name}' (${buffers.totalBytes.toLocaleString('en-US')} bytes): ${error.message}`);
      }
    }
    return new WebGpuExecutor(gpu, program, buffers, concrete, steps, messages, capacity);
  }

  get position(): number {
    return this.cached;
  }

  async setMemory(memory: Float32Array, length: number): Promise<void> {
    this.usable();
    if (!this.spec.memory) throw new UsageError(`model '${this.spec.name}' has no memory input`);
    validateMemory(this.spec, memory, length);
    const symbols: Symbols = { R: 0, past: 0, S: length, tail: 0 };
    if (length > this.memoryCapacity) this.allocateMemory(symbols);
    const device = this.gpu.device;
    device.queue.writeBuffer(this.buffers.get(this.program.plan.inputs.memory!), 0, source(memory.subarray(0, length * this.spec.memory.width)));
    const rows = this.writeUniforms(symbols);
    await this.scoped(symbols, rows, 'the memory pass', [this.steps.memory], () => {
      const encoder = device.createCommandEncoder({ label: 'memory' });
      this.encode(encoder, this.steps.memory, symbols, rows);
      device.queue.submit([encoder.finish()]);
    });
    this.memoryRows = length;
  }

  async prefill(tokens: Int32Array, options: ForwardOptions = {}): Promise<Float32Array> {
    return this.run(tokens, options.allLogits ?? false);
  }

  async decode(token: number): Promise<Float32Array> {
    return this.run(Int32Array.of(token), false);
  }

  reset(): void {
    this.cached = 0;
  }

  /**
   * Copies of the self-attention caches (every 'cache' buffer not sized by the memory) and the cached
   * length, in new GPU buffers: what `WebGpuSequences` keeps for each sequence not resident now.
   * `into` reuses a snapshot's buffers.
   */
  saveCache(into?: CacheSnapshot): CacheSnapshot {
    this.usable();
    const names = this.selfCaches();
    const device = this.gpu.device;
    const buffers =
      into?.buffers ??
      names.map((name) => device.createBuffer({ label: `saved ${name}`, size: this.buffers.size(name), usage: BufferUsage.COPY_SRC | BufferUsage.COPY_DST }));
    const encoder = device.createCommandEncoder({ label: 'save caches' });
    names.forEach((name, i) => encoder.copyBufferToBuffer(this.buffers.get(name), 0, buffers[i]!, 0, this.buffers.size(name)));
    device.queue.submit([encoder.finish()]);
    return { buffers, position: this.cached };
  }

  /** Puts a snapshot's caches back and its cached length with them. */
  restoreCache(snapshot: CacheSnapshot): void {
    this.usable();
    const names = this.selfCaches();
    const encoder = this.gpu.device.createCommandEncoder({ label: 'restore caches' });
    names.forEach((name, i) => encoder.copyBufferToBuffer(snapshot.buffers[i]!, 0, this.buffers.get(name), 0, this.buffers.size(name)));
    this.gpu.device.queue.submit([encoder.finish()]);
    this.cached = snapshot.position;
  }

  /** A second snapshot with the same contents (a fork of a sequence that is not resident). */
  copyCache(snapshot: CacheSnapshot): CacheSnapshot {
    this.usable();
    const names = this.selfCaches();
    const device = this.gpu.device;
    const encoder = device.createCommandEncoder({ label: 'copy caches' });
    const buffers = names.map((name, i) => {
      const b = device.createBuffer({ label: `saved ${name}`, size: this.buffers.size(name), usage: BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
      encoder.copyBufferToBuffer(snapshot.buffers[i]!, 0, b, 0, this.buffers.size(name));
      return b;
    });
    device.queue.submit([encoder.finish()]);
    return { buffers, position: snapshot.position };
  }

  /**
   * Several sequences over this executor's one set of caches, swapped in and out with GPU-side copies
   * (beam search forks them). It shares the executor's cache: use one or the other.
   */
  sequences(maxSequences = 16): WebGpuSequences {
    return new WebGpuSequences(this, maxSequences);
  }

  private selfCaches(): string[] {
    return this.concrete.filter((b) => b.plan.role === 'cache' && b.sizeClass !== 'memory').map((b) => b.name);
  }

  /** The contents of one of the plan's buffers (concrete name: `h.3.attn.keys`), for tests and debugging. */
  async readBuffer(name: string): Promise<ArrayBuffer> {
    this.usable();
    const device = this.gpu.device;
    const size = this.buffers.size(name);
    const staging = device.createBuffer({ label: `read ${name}`, size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    try {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(this.buffers.get(name), 0, staging, 0, size);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MapMode.READ);
      return staging.getMappedRange().slice(0);
    } finally {
      staging.destroy();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.buffers.destroy();
  }

  private usable(): void {
    if (this.disposed) throw new UsageError('this WebGPU executor was disposed');
    this.gpu.check();
  }

  /** (Re)allocates the buffers sized by the memory's rows; bind groups that used the old ones are dropped. */
  private allocateMemory(symbols: Symbols): void {
    const sized = this.concrete.filter((b) => b.sizeClass === 'memory');
    checkBuffers(sized, symbols, this.gpu.limits, ` for a memory of ${symbols.S} rows`);
    for (const b of sized) this.buffers.allocate(b, symbols);
    const names = new Set(sized.map((b) => b.name));
    for (const s of [...this.steps.memory, ...this.steps.forward, ...this.steps.tail]) {
      if (s.op === 'dispatch' && s.buffers.some((n) => names.has(n))) delete s.bindGroup;
    }
    this.memoryCapacity = symbols.S;
  }

  /** Runs `tokens` after those cached, in chunks of at most rowCapacity rows; returns the logits asked for. */
  private async run(tokens: Int32Array, all: boolean): Promise<Float32Array> {
    this.usable();
    validateTokens(this.spec, this.cached, tokens);
    if (this.spec.memory && this.memoryRows === 0) throw new UsageError(`model '${this.spec.name}' needs its memory '${this.spec.memory.name}' set first`);
    const vocab = this.spec.vocabSize;
    const out = new Float32Array((all ? tokens.length : 1) * vocab);
    for (let offset = 0; offset < tokens.length; offset += this.rowCapacity) {
      const R = Math.min(this.rowCapacity, tokens.length - offset);
      const last = offset + R === tokens.length;
      const tail = all ? R : last ? 1 : 0;
      const symbols: Symbols = { R, past: this.cached, S: this.memoryRows, tail };
      const logits = await this.forward(tokens.subarray(offset, offset + R), symbols);
      if (logits) out.set(logits, all ? offset * vocab : 0);
      this.cached += R;
    }
    return out;
  }

  private async forward(tokens: Int32Array, symbols: Symbols): Promise<Float32Array | undefined> {
    const device = this.gpu.device;
    const plan = this.program.plan;
    const bytes = symbols.tail * this.spec.vocabSize * 4;
    if (bytes > 0 && this.buffers.size('readback') < bytes) this.readback = this.buffers.extra('readback', bytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
    device.queue.writeBuffer(this.buffers.get(plan.inputs.tokens), 0, source(tokens));
    const rows = this.writeUniforms(symbols);
    const steps = symbols.tail > 0 ? [this.steps.forward, this.steps.tail] : [this.steps.forward];
    await this.scoped(symbols, rows, `${symbols.R} row${symbols.R > 1 ? 's' : ''} at position ${symbols.past}`, steps, () => {
      const encoder = device.createCommandEncoder({ label: `forward at ${symbols.past}` });
      this.encode(encoder, this.steps.forward, symbols, rows);
      if (symbols.tail > 0) {
        this.encode(encoder, this.steps.tail, symbols, rows);
        encoder.copyBufferToBuffer(this.buffers.get(plan.logits), 0, this.readback!, 0, bytes);
      }
      device.queue.submit([encoder.finish()]);
    });
    if (symbols.tail === 0) return undefined;
    const readback = this.readback!;
    try {
      await readback.mapAsync(MapMode.READ, 0, bytes);
    } catch (e) {
      this.gpu.check();
      throw new WebGpuError(`reading the logits back failed: ${(e as Error).message}`);
    }
    const logits = new Float32Array(readback.getMappedRange(0, bytes).slice(0));
    readback.unmap();
    return logits;
  }

  /** Records the steps; `rows` are the uniform sets' row counts (a step with a one-row kernel uses it for 1). */
  private encode(encoder: GPUCommandEncoder, steps: readonly Instance[], symbols: Symbols, rows: readonly number[]): void {
    const maxGroups = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    for (const s of steps) {
      if (s.op === 'copy') {
        const size = s.elements(symbols) * 4;
        if (size > 0) encoder.copyBufferToBuffer(this.buffers.get(s.from), s.fromOffset(symbols) * 4, this.buffers.get(s.to), s.toOffset(symbols) * 4, size);
        continue;
      }
      const variant = variantOf(s, rows);
      let x = variant.workgroups.x(symbols);
      let y = variant.workgroups.y(symbols);
      if (x === 0 || y === 0) continue;
      if (variant.workgroups.flat && x > maxGroups) {
        y = Math.ceil(x / maxGroups);
        x = Math.ceil(x / y);
      }
      if (x > maxGroups || y > maxGroups) throw new WebGpuError(`step '${s.label}' needs ${x} × ${y} workgroups, more than this adapter's maxComputeWorkgroupsPerDimension (${maxGroups})`);
      const pass = encoder.beginComputePass({ label: s.label });
      pass.setPipeline(variant.kernel.pipeline);
      pass.setBindGroup(0, this.bindGroup(s));
      pass.dispatchWorkgroups(x, y);
      pass.end();
    }
  }

  /** Writes every uniform set's values for these symbols; returns their row counts. */
  private writeUniforms(symbols: Symbols): number[] {
    const rows: number[] = [];
    const stride = this.uniformStride / 4;
    this.uniforms.forEach((u, i) => {
      const values = u.map((f) => f(symbols));
      rows.push(values[0]!);
      // Sets of another phase can come out negative (past + R - tail with R = 0); they are not used then.
      this.uniformData.set(values.map((v) => Math.max(0, v)), i * stride);
    });
    this.gpu.device.queue.writeBuffer(this.uniformBuffer, 0, source(this.uniformData));
    return rows;
  }

  private bindGroup(s: DispatchInstance): GPUBindGroup {
    if (!s.bindGroup) {
      s.bindGroup = this.gpu.device.createBindGroup({
        label: s.label,
        layout: s.kernel.layout,
        entries: [
          { binding: 0, resource: { buffer: this.uniformBuffer, offset: s.uniform * this.uniformStride, size: UNIFORM_BYTES } },
          ...s.buffers.map((name, i) => ({ binding: i + 1, resource: { buffer: this.buffers.get(name) } })),
        ],
      });
    }
    return s.bindGroup;
  }

  /**
   * Runs `work` (encoding and submitting) inside error scopes, so a WebGPU error becomes an exception.
   * WebGPU reports a bad command when its encoder is finished, without saying which pass; the steps
   * are then encoded again one by one, each finished (never submitted) in a scope of its own, to name it.
   */
  private async scoped(symbols: Symbols, rows: readonly number[], what: string, steps: readonly (readonly Instance[])[], work: () => void): Promise<void> {
    const device = this.gpu.device;
    device.pushErrorScope('internal');
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let thrown: unknown;
    try {
      work();
    } catch (e) {
      thrown = e;
    }
    const errors = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()].filter((e): e is GPUError => e !== null);
    this.gpu.check();
    if (thrown) throw thrown;
    if (!errors.length) return;
    const culprit = await this.locate(steps.flat(), symbols, rows);
    const kernel = culprit?.step.op === 'dispatch' ? ` (kernel ${variantOf(culprit.step, rows).kernel.name})` : '';
    const where = culprit ? ` in step '${culprit.step.label}'${kernel}` : '';
    throw new WebGpuError(`WebGPU error${where} while running ${what} of model '${this.spec.name}': ${(culprit?.message ?? errors.map((e) => e.message).join('; ')).trim()}`);
  }

  /** The first step whose commands alone fail validation, with WebGPU's message. */
  private async locate(steps: readonly Instance[], symbols: Symbols, rows: readonly number[]): Promise<{ step: Instance; message: string } | undefined> {
    const device = this.gpu.device;
    for (const step of steps) {
      device.pushErrorScope('validation');
      try {
        const encoder = device.createCommandEncoder({ label: step.label });
        this.encode(encoder, [step], symbols, rows);
        encoder.finish();
      } catch {
        // The error scope has it.
      }
      const error = await device.popErrorScope();
      if (error) return { step, message: error.message };
    }
    return undefined;
  }
}

/** The kernel a dispatch runs: its one-row kernel when its uniform set has one row. */
function variantOf(s: DispatchInstance, rows: readonly number[]): { readonly kernel: CompiledKernel; readonly workgroups: DispatchInstance['workgroups'] } {
  return s.single && rows[s.uniform] === 1 ? s.single : s;
}
