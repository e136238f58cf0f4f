// How stored tensors become a model's parameters: the plain data a compiled checkpoint section is.
// The compiler writes it (checkpoint/), the runtime's loader reads it (checkpoint/).

/** A stored tensor a plan reads: its name in the checkpoint (or alternatives) and the shape it must have. */
export interface PlanTensor {
  /** Names to try in order; the first one the checkpoint holds is read (`first_of(…)`). */
  readonly names: readonly string[];
  readonly shape: readonly number[];
  /**
   * `tied(head, embedding)`: `names` are the head and the embedding. A model tied by its config reads the
   * embedding (a stored head must be its copy); an untied one reads the head; unknown, the first stored.
   */
  readonly tie?: true;
}

/** A stored tensor that, when present, must hold exactly the data of another (a tied head's copy). */
export interface PlanCopy {
  readonly copy: string;
  readonly of: string;
}

/** Where an entry's data comes from: one stored tensor, or several concatenated along an axis. */
export type PlanSource =
  | { readonly kind: 'tensor'; readonly tensor: PlanTensor }
  | { readonly kind: 'concat'; readonly axis: number; readonly groups: number; readonly parts: readonly PlanTensor[] };

/** One layout transform, applied to every tensor in hand (after a split, to each part). */
export type PlanOp =
  /** Swaps two axes. */
  | { readonly op: 'transpose'; readonly axes: readonly [number, number] }
  /**
   * Splits one tensor into parts along `axis`. With `groups` > 1 the axis holds `groups` blocks and
   * each part takes its share (`sizes[j] / groups`) from every block (q, k, v packed per head).
   */
  | { readonly op: 'split'; readonly axis: number; readonly sizes: readonly number[]; readonly groups: number }
  /** Reinterprets the row-major data with the shapes of `shapes` (the data does not move). */
  | { readonly op: 'reshape' }
  /** Reorders the rows (axis 0) of each of `heads` heads between the two rotary layouts. */
  | { readonly op: 'rope'; readonly to: 'half' | 'interleaved'; readonly heads: number };

/** A transform with the shapes of the tensors in hand after it. */
export type PlanStep = PlanOp & { readonly shapes: readonly (readonly number[])[] };

/** One mapping instance: the source, the transforms in order, and the parameters the results fill. */
export interface PlanEntry {
  /** Internal parameter paths, one per tensor left after the steps, in order. */
  readonly targets: readonly string[];
  readonly source: PlanSource;
  readonly steps: readonly PlanStep[];
  /** Where the mapping is written (`models/gpt2.tdl:24`), for messages. */
  readonly rule: string;
}

export interface CheckpointPlan {
  /** The section's name (`hf`), chosen with `--naming`. */
  readonly naming: string;
  readonly entries: readonly PlanEntry[];
  /** Stored tensors the model does not use (`_ <- "…"`); `{x}` matches a run of characters without a dot. */
  readonly ignore: readonly string[];
  /** Stored copies the model does not read but checks (`_ <- tied("lm_head.weight", "wte.weight")`). */
  readonly copies?: readonly PlanCopy[];
}
