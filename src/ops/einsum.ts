/**
 * einsum: the subscripts are parsed into integer labels, repeated labels of one operand become
 * diagonal() views, labels no one else needs are summed out, and operands are contracted pairwise
 * left to right as one batched matmul each. Only views, sums and matmul are used, so autograd
 * and every device come for free.
 */
import { Tensor, type TensorLike } from "../tensor/tensor.ts";
import { numelOf, shapeStr } from "../core/shape.ts";
import { promoteTypes } from "../core/dtype.ts";
import { asTensor } from "./operand.ts";
import { diagonal } from "./diagonal.ts";
import { to } from "./copy.ts";
import { expand, permute, reshape } from "./view.ts";
import { sum } from "./reduce.ts";
import { matmul } from "./matmul.ts";
import { mul } from "./binary.ts";

/** Labels 0..51 are the letters A-Z, a-z; 52 and up are the broadcast dims of '...'. */
const ELLIPSIS = -1;
const LETTERS = 52;

function letterOf(label: number): string {
  if (label >= LETTERS) return "...";
  return String.fromCharCode(label < 26 ? 65 + label : 97 + label - 26);
}

function parseTerm(equation: string, term: string, where: string): number[] {
  const labels: number[] = [];
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    if (c >= 65 && c <= 90) labels.push(c - 65);
    else if (c >= 97 && c <= 122) labels.push(c - 97 + 26);
    else if (term.startsWith("...", i)) {
      if (labels.includes(ELLIPSIS)) {
        throw new Error(
          `einsum: '${equation}' has more than one '...' in ${where} '${term}'. Use at most one per operand.`,
        );
      }
      labels.push(ELLIPSIS);
      i += 2;
    } else {
      throw new Error(
        `einsum: invalid subscript '${term[i]}' in ${where} '${term}' of '${equation}'. ` +
          "Subscripts are letters a-z and A-Z, with at most one '...' per operand.",
      );
    }
  }
  return labels;
}

interface Term {
  t: Tensor;
  labels: number[];
}

/** Sums `t` over the labels `drop`. */
function sumLabels(term: Term, drop: (l: number) => boolean): Term {
  const dims = term.labels.flatMap((l, i) => (drop(l) ? [i] : []));
  if (dims.length === 0) return term;
  return { t: sum(term.t, dims), labels: term.labels.filter((l) => !drop(l)) };
}

/** Contracts a and b over their shared labels that `keep` does not need, as one batched matmul. */
function contract(a: Term, b: Term, keep: Set<number>, size: Map<number, number>): Term {
  const inB = new Set(b.labels), inA = new Set(a.labels);
  // A label of one side only that nothing later needs is summed away first.
  a = sumLabels(a, (l) => !inB.has(l) && !keep.has(l));
  b = sumLabels(b, (l) => !inA.has(l) && !keep.has(l));
  const shared = a.labels.filter((l) => inB.has(l));
  const batch = shared.filter((l) => keep.has(l));
  const summed = shared.filter((l) => !keep.has(l));
  // A summed label of size 1 on one side only broadcasts: sum it out of the other side alone.
  const dimOf = (t: Term, l: number) => t.t.shape[t.labels.indexOf(l)];
  for (const l of summed) {
    if (dimOf(a, l) === 1 && dimOf(b, l) !== 1) {
      b = { t: sum(b.t, b.labels.indexOf(l), true), labels: b.labels };
    } else if (dimOf(b, l) === 1 && dimOf(a, l) !== 1) {
      a = { t: sum(a.t, a.labels.indexOf(l), true), labels: a.labels };
    }
  }
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !inA.has(l));
  const sizes = (ls: number[], t?: Term) => ls.map((l) => (t ? dimOf(t, l) : size.get(l)!));
  const arrange = (t: Term, order: number[], shape: number[]) => {
    const p = permute(t.t, order.map((l) => t.labels.indexOf(l)));
    return expand(p, shape);
  };
  const bs = sizes(batch), ks = sizes(summed, a);
  const ms = sizes(aOnly, a), ns = sizes(bOnly, b);
  const A = reshape(arrange(a, [...batch, ...aOnly, ...summed], [...bs, ...ms, ...ks]), [
    numelOf(bs),
    numelOf(ms),
    numelOf(ks),
  ]);
  const B = reshape(arrange(b, [...batch, ...summed, ...bOnly], [...bs, ...ks, ...ns]), [
    numelOf(bs),
    numelOf(ks),
    numelOf(ns),
  ]);
  // Nothing summed: A is [nb, m, 1] and B [nb, 1, n], an outer product that mul broadcasts
  // without a matmul per batch entry.
  const product = ks.length === 0 ? mul(A, B) : matmul(A, B);
  return {
    t: reshape(product, [...bs, ...ms, ...ns]),
    labels: [...batch, ...aOnly, ...bOnly],
  };
}

/**
 * Einstein summation, as torch.einsum: `einsum("ij,jk->ik", a, b)` is a @ b. Without "->" the
 * output has the '...' dims, then the letters that occur once, in alphabetical order (capitals
 * first). A letter repeated in one operand takes its diagonal ("ii->i", "ii" is the trace);
 * letters absent from the output are summed; '...' broadcasts; size-1 dims broadcast. The
 * operands may also be given as one array: einsum("ij,jk", [a, b]).
 */
export function einsum(equation: string, ...operands: (TensorLike | readonly Tensor[])[]): Tensor {
  if (typeof equation !== "string") {
    throw new TypeError(
      `einsum: the first argument must be the subscripts string, such as "ij,jk->ik".`,
    );
  }
  const list = operands.length === 1 && Array.isArray(operands[0]) &&
      operands[0].length > 0 && operands[0].every((o) => o instanceof Tensor)
    ? operands[0] as readonly Tensor[]
    : operands as TensorLike[];
  const eq = equation.replace(/\s+/g, "");
  const arrow = eq.indexOf("->");
  if (arrow !== eq.lastIndexOf("->")) {
    throw new Error(`einsum: '${equation}' has more than one '->'. Write inputs->output once.`);
  }
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const terms = lhs.split(",");
  if (list.length === 0 || terms.length !== list.length) {
    throw new Error(
      `einsum: '${equation}' names ${terms.length} operand(s) but ${list.length} were given. ` +
        'Give one comma-separated term per operand, e.g. einsum("ij,jk->ik", a, b).',
    );
  }
  let xs = list.map((o) => asTensor(o as TensorLike));
  const dt = xs.map((x) => x.dtype).reduce(promoteTypes);
  xs = xs.map((x) => (x.dtype === dt ? x : to(x, dt)));
  for (const x of xs.slice(1)) {
    if (x.device !== xs[0].device) {
      throw new Error(
        `einsum: operands are on '${
          xs[0].device
        }' and '${x.device}'. Move them to one device with .to().`,
      );
    }
  }

  // Labels per operand, '...' expanded to right-aligned broadcast labels.
  const parsed = terms.map((t, k) => parseTerm(equation, t, `operand ${k}`));
  const nEll = Math.max(
    0,
    ...parsed.map((ls, k) => (ls.includes(ELLIPSIS) ? xs[k].ndim - ls.length + 1 : 0)),
  );
  const size = new Map<number, number>();
  let ops: Term[] = parsed.map((ls, k) => {
    const x = xs[k];
    const hasEll = ls.includes(ELLIPSIS);
    const named = hasEll ? ls.length - 1 : ls.length;
    if (hasEll ? x.ndim < named : x.ndim !== named) {
      throw new Error(
        `einsum: operand ${k} has shape ${shapeStr(x.shape)} (${x.ndim} dims) but its subscripts '${
          terms[k]
        }' name ${named}. Give one letter per dim${hasEll ? "" : ", or '...' for the rest"}.`,
      );
    }
    const e = x.ndim - named;
    const labels = ls.flatMap((l) =>
      l === ELLIPSIS ? Array.from({ length: e }, (_, j) => LETTERS + nEll - e + j) : [l]
    );
    labels.forEach((l, d) => {
      const n = x.shape[d], have = size.get(l);
      if (have === undefined || have === 1) size.set(l, n);
      else if (n !== 1 && n !== have) {
        throw new Error(
          `einsum: subscript '${
            letterOf(l)
          }' has size ${have} in one operand but ${n} in operand ${k} ` +
            `(shape ${shapeStr(x.shape)}, subscripts '${
              terms[k]
            }'). Sizes of one letter must match ` +
            "(or be 1 to broadcast).",
        );
      }
    });
    return { t: x, labels };
  });

  // The output's labels.
  const counts = new Map<number, number>();
  for (const t of ops) for (const l of t.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const ellLabels = Array.from({ length: nEll }, (_, j) => LETTERS + j);
  let out: number[];
  if (arrow < 0) {
    const once = [...counts].filter(([l, n]) => n === 1 && l < LETTERS).map(([l]) => l);
    out = [...ellLabels, ...once.sort((a, b) => a - b)];
  } else {
    const rhs = parseTerm(equation, eq.slice(arrow + 2), "the output");
    out = rhs.flatMap((l) => (l === ELLIPSIS ? ellLabels : [l]));
    for (const [i, l] of rhs.entries()) {
      if (l === ELLIPSIS) continue;
      if (!counts.has(l)) {
        throw new Error(
          `einsum: output subscript '${letterOf(l)}' of '${equation}' appears in no operand. ` +
            "Every output letter must come from an input.",
        );
      }
      if (rhs.indexOf(l) !== i) {
        throw new Error(
          `einsum: output subscript '${letterOf(l)}' appears more than once in '${equation}'. ` +
            "Name each output dim once (use a diagonal in an input: 'ii->i').",
        );
      }
    }
    if (nEll > 0 && !rhs.includes(ELLIPSIS)) {
      throw new Error(
        `einsum: the inputs of '${equation}' use '...' but the output does not. ` +
          "Put '...' in the output too, or sum those dims yourself afterwards.",
      );
    }
  }

  // Diagonals of repeated labels, as views (diagonal() appends the diagonal as the last dim).
  ops = ops.map(({ t, labels }) => {
    for (;;) {
      const i = labels.findIndex((l, k) => labels.indexOf(l, k + 1) >= 0);
      if (i < 0) return { t, labels };
      const j = labels.indexOf(labels[i], i + 1);
      if (t.shape[i] !== t.shape[j]) {
        throw new Error(
          `einsum: subscript '${letterOf(labels[i])}' is repeated in an operand of shape ${
            shapeStr(t.shape)
          } over dims of sizes ${t.shape[i]} and ${t.shape[j]}. A diagonal needs equal sizes.`,
        );
      }
      t = diagonal(t, 0, i, j);
      labels = [...labels.filter((_, k) => k !== i && k !== j), labels[i]];
    }
  });

  const wanted = new Set(out);
  let cur = ops[0];
  for (let k = 1; k < ops.length; k++) {
    const keep = new Set(wanted);
    for (const later of ops.slice(k + 1)) for (const l of later.labels) keep.add(l);
    cur = contract(cur, ops[k], keep, size);
  }
  cur = sumLabels(cur, (l) => !wanted.has(l));
  return permute(cur.t, out.map((l) => cur.labels.indexOf(l)));
}
