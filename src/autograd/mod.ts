export { AccumulateGrad, Node } from "./node.ts";
export { grad, type GradOptions } from "./grad.ts";
export { gradcheck, type GradcheckOptions } from "./gradcheck.ts";
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from "./grad_mode.ts";
