// Gathers rows: out[r, j] = x[indices[r], j] for a row-major x with `cols`
// columns, one thread per output element. Training uploads its features once
// and gathers each minibatch on the device.
// Host dispatch: ⌈rows · cols / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> indices: array<i32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i < params.size) {
    out[i] = x[u32(indices[i / params.cols]) * params.cols + i % params.cols];
  }
}
