import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAudit } from '../../src/audit/audit.ts';
import { MODEL_NAMES } from '../../src/models/registry.ts';

// Small and short, so that 26 audits fit in the suite.
const SMALL = {
  targetSize: 150,
  shadowSize: 150,
  model: { epochs: 3 },
  properties: { membershipRepeats: 0 },
  threads: 1,
} as const;

test('every target and shadow family pair audits', async () => {
  for (const targetModel of MODEL_NAMES) {
    for (const shadowModel of MODEL_NAMES) {
      const result = await runAudit({ ...SMALL, targetModel, shadowModel });
      const where = `target ${targetModel}, shadow ${shadowModel}`;
      assert.is(result.target.model, targetModel, where);
      assert.is(result.shadows[0].model, shadowModel, where);
      assert.ok(result.attack.auc >= 0, `${where}: AUC ${result.attack.auc}`);
      assert.ok(result.attack.auc <= 1, `${where}: AUC ${result.attack.auc}`);
    }
  }
});

test('shadow all trains one of each family', async () => {
  const result = await runAudit({ ...SMALL, shadowModel: 'all' });
  assert.equal(
    result.shadows.map((shadow) => shadow.model),
    MODEL_NAMES,
  );
  assert.is(result.config.shadows, MODEL_NAMES.length);
});

test('attack model of another family', async () => {
  const result = await runAudit({ ...SMALL, attack: { model: 'lr' } });
  assert.is(result.config.attack.model, 'lr');
  assert.type(result.attack.auc, 'number');
});

test('posteriors reach the attack as two columns', async () => {
  for (const targetModel of MODEL_NAMES) {
    const result = await runAudit({ ...SMALL, targetModel, shadowModel: 'lr' });
    // The threshold attacks read posteriors[i][label]: a one-column output would fail validation there.
    assert.type(result.metricAttacks.confidence.auc, 'number', targetModel);
  }
});

test('memorising knn target leaks', async () => {
  // With k = 1 a member finds itself (unless a duplicate record with another label comes first), so
  // members are right with confidence 1 at rate r_m ≈ 1 and non-members at their test accuracy r_n.
  // Confidence is 0 or 1, so the AUC is 0.5 + (r_m − r_n) / 2.
  const result = await runAudit({
    ...SMALL,
    targetSize: 2000,
    shadowSize: 2000,
    targetModel: 'knn',
    shadowModel: 'knn',
    familyOptions: { knn: { k: 1 } },
  });
  assert.ok(result.target.trainAccuracy > 0.99, `train accuracy ${result.target.trainAccuracy}`);
  const expected = 0.5 + 0.5 * (result.target.trainAccuracy - result.target.testAccuracy);
  assert.ok(Math.abs(result.metricAttacks.confidence.auc - expected) < 0.01, `confidence AUC ${result.metricAttacks.confidence.auc} vs ${expected}`);
  assert.ok(result.attack.auc > 0.55, `shadow-model attack AUC ${result.attack.auc}`);
});

test.run();
