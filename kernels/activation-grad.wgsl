// Activation gradient: dx[i] = dy[i] · act'(z[i]), written in terms of the
// activation's output y[i] (see activation.wgsl), one thread per element.
// Host dispatch: ⌈size / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  activation: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i < params.size) {
    dx[i] = activationGrad(params.activation, y[i], dy[i]);
  }
}
