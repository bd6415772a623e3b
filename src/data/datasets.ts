/** Ready-made datasets: MNIST and FashionMNIST, plus the synthetic generators. */
export { FashionMNIST, MNIST, type MNISTOptions } from "./mnist.ts";
export { makeBlobs, makeMoons, makeRegression } from "./synthetic.ts";
