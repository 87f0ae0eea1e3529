import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { billingDropDir, startBillingSimulator } from '@/etl/simulator/billing-source';

// The billing exports and the balance snapshots share one drop folder but are two history systems; the back-fill
// writes a system's next day while the others load, so the balances' next file can wait there while the billing
// day is checked. Found by a fresh start: the billing day failed on a balance snapshot written ahead.

const dataDir = mkdtempSync(path.join(tmpdir(), 'billing-verify-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('billing history day check', () => {
  it('counts its own history exports still waiting, not the balance snapshots beside them', async () => {
    const billing = await startBillingSimulator({ dataDir, seed: 1, tz: 'Asia/Shanghai', customers: 100 });
    try {
      const drop = billingDropDir(dataDir);
      mkdirSync(drop, { recursive: true });
      writeFileSync(path.join(drop, '余额快照_20261202_history.csv'), 'x');
      expect(await billing.history.verifyDay('2026-12-03')).toBeNull();
      writeFileSync(path.join(drop, '缴费流水_20261203_history.csv'), 'x');
      expect(await billing.history.verifyDay('2026-12-03')).toMatch(/1 history export\(s\) not loaded.*缴费流水_20261203_history\.csv/);
    } finally {
      await billing.close();
    }
  });
});
