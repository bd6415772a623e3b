/**
 * Frozen shape and stride arrays, shared. A tensor's shape and strides are frozen (callers
 * may keep them); freezing a fresh copy per tensor costs more than the arithmetic of a tiny
 * op, so equal arrays are looked up in a trie keyed by their entries and reused. The trie
 * stops growing at MAX_NODES (a workload with endless distinct shapes, e.g. variable-length
 * sequences), after which arrays are frozen copies as before.
 */
import { contiguousStrides } from "./shape.ts";

interface TrieNode {
  next: Map<number, TrieNode> | null;
  value: readonly number[];
  /** Row-major strides for `value` read as a shape, made on first request. */
  contiguous: readonly number[] | null;
}

const MAX_NODES = 20000;
let nodes = 0;
const root: TrieNode = { next: null, value: Object.freeze([]), contiguous: null };

function find(xs: readonly number[]): TrieNode | null {
  let node = root;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    let child = node.next?.get(x);
    if (!child) {
      if (nodes >= MAX_NODES) return null;
      nodes++;
      child = { next: null, value: Object.freeze(xs.slice(0, i + 1)), contiguous: null };
      (node.next ??= new Map()).set(x, child);
    }
    node = child;
  }
  return node;
}

/** A frozen array equal to xs: xs itself when already frozen, else a shared or fresh copy. */
export function frozen(xs: readonly number[]): readonly number[] {
  if (Object.isFrozen(xs)) return xs;
  return find(xs)?.value ?? Object.freeze([...xs]);
}

// The last answer of frozenContiguousStrides: an op chain asks again and again for one shape.
let lastShape: readonly number[] | null = null, lastStrides: readonly number[] = root.value;

/** Frozen row-major strides for `shape`. */
export function frozenContiguousStrides(shape: readonly number[]): readonly number[] {
  if (shape === lastShape) return lastStrides;
  const node = find(shape);
  if (!node) return Object.freeze(contiguousStrides(shape));
  const strides = node.contiguous ??= frozen(contiguousStrides(shape));
  if (Object.isFrozen(shape)) {
    lastShape = shape;
    lastStrides = strides;
  }
  return strides;
}
