/**
 * Issue 14's "Autograd and ops" bad inputs: each gets a clear error naming the op (or
 * PyTorch's result), never a silently wrong value or a bare RangeError.
 */
import assert from "node:assert/strict";
import { add, arange, leakyRelu, matmul, ones, tensor, zeros } from "gradiente";

Deno.test("expand rejects negative (other than -1) and fractional sizes", () => {
  assert.throws(() => ones(1, 1).expand(-2, 3), /expand: sizes must be integers >= 0 .* got -2/);
  assert.throws(() => ones(1, 1).expand(1.5, 3), /expand: sizes must be integers >= 0 .* got 1.5/);
  assert.deepEqual(ones(2, 1).expand(-1, 3).shape, [2, 3]);
});

Deno.test("int32 tensors refuse values they cannot hold instead of wrapping", () => {
  for (const v of [3e9, -3e9, Infinity, NaN]) {
    assert.throws(
      () => tensor([1, v], { dtype: "int32" }),
      /tensor: value .* \(element 1\) cannot be converted to int32 without overflow/,
    );
  }
  // Fractions truncate toward zero, as torch.tensor([1.5, -1.5], dtype=torch.int32) does.
  assert.deepEqual(tensor([1.5, -1.5, 2147483647], { dtype: "int32" }).toArray(), [
    1,
    -1,
    2147483647,
  ]);
});

Deno.test("a failed allocation names the op, the shape and the bytes", () => {
  assert.throws(
    () => zeros(1e6, 1e6),
    /zeros: shape \[1000000, 1000000\]: cannot allocate 1000000000000 float32 elements \(3\.64 TiB\)/,
  );
  assert.throws(() => arange(0, 1e10), /arange: 10000000000 values: cannot allocate/);
  assert.throws(
    () => matmul(zeros(1e6, 1), zeros(1, 1e6)),
    /matmul: \[1000000, 1\] @ \[1, 1000000\]: cannot allocate .* \(3\.64 TiB\)/,
  );
});

Deno.test("non-tensor operands are named by the op, not by tensor()", () => {
  assert.throws(() => add("1" as never, 2), /add: expected a tensor, .* got the string '1'/);
  assert.throws(() => add(null as never, 2), /add: expected a tensor, .* got null/);
  assert.throws(() => ones(2).mul(undefined as never), /mul: expected a tensor, .* got undefined/);
  assert.throws(
    () => leakyRelu(ones(2), "x" as never),
    /leakyRelu: negativeSlope must be a number/,
  );
});

Deno.test("at most 64 dimensions, checked before any work", () => {
  assert.equal(ones(...Array(64).fill(1)).ndim, 64);
  assert.throws(() => ones(...Array(65).fill(1)), /ones: a tensor can have at most 64 dimensions/);
  assert.throws(
    () => ones(1).reshape(Array(30000).fill(1)),
    /reshape: a tensor can have at most 64 dimensions .* got 30000/,
  );
  assert.throws(() => ones(1).expand(Array(70).fill(1)), /expand: .* at most 64/);
  let t = ones(1);
  for (let i = 1; i < 64; i++) t = t.unsqueeze(0);
  assert.throws(() => t.unsqueeze(0), /at most 64 dimensions/);
});
