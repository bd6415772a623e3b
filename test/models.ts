/** The lectures' models, built the same way by every suite that trains them. */
import { nn } from "gradiente";

/** The notes' MNIST model: 784-128-64-10, ReLU, LogSoftmax (trained with NLLLoss). */
export function mnistModel(): nn.Sequential {
  return new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 128),
    new nn.ReLU(),
    new nn.Linear(128, 64),
    new nn.ReLU(),
    new nn.Linear(64, 10),
    new nn.LogSoftmax(1),
  );
}

/** XOR's 2-2-1 network with sigmoids. */
export function xorModel(): nn.Sequential {
  return new nn.Sequential(
    new nn.Linear(2, 2),
    new nn.Sigmoid(),
    new nn.Linear(2, 1),
    new nn.Sigmoid(),
  );
}
