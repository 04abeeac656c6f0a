export type { Activation, Backend, Storage } from './backend/backend.ts';
export { cpuBackend, CpuBackend } from './backend/cpu/index.ts';
export {
  createWebGpuBackend,
  webGpuBackend,
  WebGpuBackend,
  probeAdapter,
  WebGpuUnavailableError,
  type AdapterDescription,
  type WebGpuStats,
} from './backend/webgpu/index.ts';
export { backendByName, type BackendName } from './backend/select.ts';
export { Tensor, tensor, zeros, scalar, type TensorOptions } from './tensor.ts';
export { backward, noGrad } from './autograd.ts';
export { tidy, ScalarSum } from './memory.ts';
export * from './ops.ts';
export { Dense } from './nn/dense.ts';
export { initWeights, type Initializer } from './nn/init.ts';
export { l1Penalty, l2Penalty } from './nn/penalties.ts';
export { SGD, Adam, type Optimizer, type SgdOptions, type AdamOptions } from './optim.ts';
export { Rng } from './rng.ts';
export { Matrix, type Labels } from './matrix.ts';
export { formatShape, type Shape } from './shape.ts';
