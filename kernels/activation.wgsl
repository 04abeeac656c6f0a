// Activations shared by the dense epilogue, the unary kernel and the activation
// gradient. Codes, mirrored by ACTIVATION_CODES in engine/backend/webgpu/index.ts:
// 0 none, 1 ReLU, 2 sigmoid, 3 tanh.

fn activate(kind: u32, x: f32) -> f32 {
  switch kind {
    // x · 0 keeps NaN (and turns −∞ into NaN) as the CPU's ½(x + |x|) does, so
    // diverging training is not hidden by max(x, 0).
    case 1u: { return select(x * 0.0, x, x > 0.0); }
    case 2u: { return 1.0 / (1.0 + exp(-x)); }
    case 3u: { return stableTanh(x); }
    default: { return x; }
  }
}

// tanh with float32 accuracy near 0. Some drivers (Mesa's lavapipe) compute the
// builtin from exp(2x), which loses relative accuracy for small |x| (1.7e-4 at
// x = 1e-4) and overflows to ∞ / ∞ for large |x|. Below |x| = 0.125 the Taylor
// series x − x³/3 + 2x⁵/15 − 17x⁷/315 is exact to float32 (the next term is
// below 2e-9 relative); above, the builtin is accurate; tanh(±15) rounds to ±1.
fn stableTanh(x: f32) -> f32 {
  if (abs(x) < 0.125) {
    let x2 = x * x;
    return x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0))));
  }
  return tanh(clamp(x, -15.0, 15.0));
}

// dy · act'(z), written in terms of the activation's output y = act(z).
fn activationGrad(kind: u32, y: f32, dy: f32) -> f32 {
  switch kind {
    case 1u: { return select(0.0, dy, y > 0.0); }
    case 2u: { return dy * y * (1.0 - y); }
    case 3u: { return dy * (1.0 - y * y); }
    default: { return dy; }
  }
}
