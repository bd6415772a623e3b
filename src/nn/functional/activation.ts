/**
 * Activation functions, as torch.nn.functional: the ops themselves (same arguments, same
 * errors), re-exported so that `F.gelu(x)` reads as in PyTorch. ops/activation.ts exports
 * only public activations, so all of it comes along.
 */
export * from "../../ops/activation.ts";
export { leakyRelu, relu, sigmoid, tanh } from "../../ops/unary.ts";
export { logSoftmax, softmax } from "../../ops/softmax.ts";
