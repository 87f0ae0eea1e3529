import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { seedStarterRules } from '@/server/alerts/starter-rules';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import { firingAlerts } from '@/server/wall/zone-data';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';

// The 最高级别预警 (top alert) banner and the alert list of a wall zone show the most severe firing alerts.
// On the demo wall the banner showed a yellow alert while 14 red ones were firing and on the red banner: the
// zone read the 5 NEWEST firing alerts (a burst of yellow queue alerts) and the panel sorted those 5.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-12-05 10:00:00', TZ)!;
const MIN = 60_000;
let ch: ClickHouse;
let db: Db;
let rt: Runtime;

async function alert(id: string, severity: 'red' | 'orange' | 'yellow' | 'blue', orgCode: string, firedAgoMin: number, state = 'firing') {
  const ruleId = (await db.prisma.alertRule.findFirst())!.id;
  await db.prisma.alertEvent.create({
    data: {
      id,
      ruleId,
      ruleVersion: 1,
      dedupKey: id,
      openKey: state === 'firing' ? id : null,
      condition: 'breach',
      subject: orgCode,
      orgCode,
      orgName: orgCode,
      severity,
      state,
      title: id,
      titleEn: id,
      figures: {},
      firedAt: new Date(NOW - firedAgoMin * MIN),
      updatedAt: new Date(NOW),
    },
  });
}

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
  await seedStarterRules(db);
  // Two reds an hour ago (one recovered since), an orange half an hour ago, then a burst of six yellows; a red
  // of another city, outside a Kunming zone.
  await alert('red-old', 'red', '530102', 60);
  await alert('red-gone', 'red', '530103', 61, 'recovered');
  await alert('orange', 'orange', '530111', 30);
  for (let i = 0; i < 6; i++) await alert(`yellow-${i}`, 'yellow', `53010${i % 3}`, 5 - i / 10);
  await alert('red-qujing', 'red', '530302', 1);
  await rt.wall.seedDemoLayouts();
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe("a wall zone's alerts", () => {
  it('are the most severe firing ones, newest first within a severity, with the counts of all', async () => {
    const a = await firingAlerts(rt, '5301', 5);
    // Before: the five newest (all yellow), so the banner's top alert was yellow.
    expect(a.items.map((x) => x.id)).toEqual(['red-old', 'orange', 'yellow-5', 'yellow-4', 'yellow-3']);
    expect(a.firingBySeverity).toEqual({ red: 1, orange: 1, yellow: 6, blue: 0 });
    const province = await firingAlerts(rt, '53', 3);
    expect(province.items.map((x) => x.id)).toEqual(['red-qujing', 'red-old', 'orange']);
  });

  it("the demo wall's 最高级别预警 panel is sent a red alert first", async () => {
    const z = await rt.wall.zoneData('demo', 'indicator', null, NOW);
    const banner = z.panels.banner!;
    expect(banner.alerts?.[0]?.severity).toBe('red');
    expect(banner.alerts?.filter((x) => x.severity === 'red').map((x) => x.id)).toEqual(['red-qujing', 'red-old']);
    expect(banner.alertCounts).toEqual({ red: 2, orange: 1, yellow: 6, blue: 0 });
  });
});
