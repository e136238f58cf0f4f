// Every property `tdl test` derives, in the order it reports them.
import type { Property } from '../property.js';
import { causality } from './causality.js';
import { cpuWebGpu } from './webgpu.js';
import { kernelSets } from './kernels.js';
import { kvCache } from './kv-cache.js';
import { memoryEffect } from './memory.js';
import { namingRoundTrip } from './namings.js';
import { paramCount } from './params.js';
import { shapes } from './shapes.js';
import { threadCount } from './threads.js';
import { slidingWindow } from './window.js';

export const PROPERTIES: readonly Property[] = [shapes, causality, kvCache, slidingWindow, memoryEffect, threadCount, kernelSets, namingRoundTrip, paramCount, cpuWebGpu];
