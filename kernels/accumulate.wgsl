// In place: total[i] += factor · x[i], one thread per element. Training sums
// its minibatch losses with it, so that the loss leaves the device once an epoch.
// Host dispatch: ⌈size / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  factor: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> total: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i < params.size) {
    total[i] = total[i] + params.factor * x[i];
  }
}
