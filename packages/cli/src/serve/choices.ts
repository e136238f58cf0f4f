// Runs a request's choices on the batcher: token ids to text as they come, stop strings cut on the
// text (held back while they might still be forming), and the counts usage reports.
import { QueueFullError, UsageError, type Batcher, type Tokenizer } from '@tdl/runtime';
import { ApiError } from './errors.js';
import type { Sampling } from './requests.js';

export type FinishReason = 'stop' | 'length';

export interface ChoiceResult {
  readonly text: string;
  readonly tokens: number;
  readonly finishReason: FinishReason;
}

export interface ChoiceRun {
  /** Text of choice `index` that is final (streamed as it comes). */
  readonly onText: (index: number, text: string) => void;
  /** Fires when the client is gone or the request ran out of time. */
  readonly signal: AbortSignal;
}

/** Why a request ended without its answer: the caller maps it onto a status or a stream's last event. */
export class Interrupted extends Error {
  constructor(readonly why: 'aborted' | 'error', message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/**
 * Queues every choice at once (choice i samples with seed + i) and resolves with all of them. A full
 * queue or a refused prompt throws before anything ran, so the caller can still answer with a status.
 */
export function runChoices(batcher: Batcher, tokenizer: Tokenizer, prompt: readonly number[], request: Sampling & { maxTokens: number }, run: ChoiceRun): Promise<ChoiceResult[]> {
  const controllers: AbortController[] = [];
  const streams = [];
  const stopTokens = tokenizer.stopTokens.filter((id) => id < batcher.spec.vocabSize);
  try {
    for (let i = 0; i < request.n; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const options = { maxTokens: request.maxTokens, temperature: request.temperature, topP: request.topP, topK: request.topK, minP: request.minP, seed: request.seed + i, stopTokens };
      streams.push(batcher.submit(prompt, { ...options, signal: AbortSignal.any([controller.signal, run.signal]) }));
    }
  } catch (e) {
    for (const c of controllers) c.abort();
    if (e instanceof QueueFullError) throw new ApiError(429, e.message, 'rate_limit_error', null, 'queue_full');
    if (e instanceof UsageError) throw new ApiError(400, e.message, 'invalid_request_error', 'prompt');
    throw e;
  }
  return Promise.all(streams.map((events, i) => collect(events, i, tokenizer, request.stop, controllers[i]!, run)));
}

async function collect(events: AsyncIterable<import('@tdl/runtime').BatchEvent>, index: number, tokenizer: Tokenizer, stops: readonly string[], controller: AbortController, run: ChoiceRun): Promise<ChoiceResult> {
  const decoder = tokenizer.streamDecoder();
  let held = '';
  let text = '';
  let tokens = 0;
  let stopped = false;
  const emit = (piece: string) => {
    if (!piece) return;
    text += piece;
    run.onText(index, piece);
  };
  /** Adds decoded text; returns true when a stop string ended the choice. */
  const take = (piece: string, last: boolean): boolean => {
    held += piece;
    const cut = firstStop(held, stops);
    if (cut >= 0) {
      emit(held.slice(0, cut));
      held = '';
      return true;
    }
    const keep = last ? 0 : heldBack(held, stops);
    emit(held.slice(0, held.length - keep));
    held = held.slice(held.length - keep);
    return false;
  };
  for await (const event of events) {
    switch (event.kind) {
      case 'token':
        tokens++;
        if (!stopped && take(decoder.push(event.id), false)) {
          stopped = true;
          controller.abort(); // its sequence leaves the batch at the next step
        }
        break;
      case 'done':
        if (!stopped) stopped = take(decoder.flush(), true);
        return { text, tokens, finishReason: stopped || event.reason === 'stop' ? 'stop' : 'length' };
      case 'cancelled':
        if (stopped) return { text, tokens, finishReason: 'stop' };
        throw new Interrupted('aborted', 'the request was cancelled');
      case 'error':
        throw new Interrupted('error', event.error.message);
    }
  }
  throw new Interrupted('error', 'the generation ended without a result');
}

/** Where the first stop string starts in `text`, or -1. */
function firstStop(text: string, stops: readonly string[]): number {
  let best = -1;
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/** How many characters at the end of `text` could be the start of a stop string. */
function heldBack(text: string, stops: readonly string[]): number {
  let keep = 0;
  for (const s of stops) {
    for (let n = Math.min(s.length - 1, text.length); n > keep; n--) {
      if (text.endsWith(s.slice(0, n))) {
        keep = n;
        break;
      }
    }
  }
  return keep;
}
