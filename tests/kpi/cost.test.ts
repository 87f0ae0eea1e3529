import { describe, expect, it } from 'vitest';
import { CITIES, COUNTIES } from '@/core/org/divisions';
import { assertDrillDepth, assertWithinBudget, DEFAULT_MAX_CELLS, partCells, unitsBelow } from '@/server/kpi/query/cost';

// The price of a KPI question before it runs (server/kpi/query/cost.ts).

describe('unitsBelow', () => {
  it('counts the node itself, its cities and its counties from the divisions', () => {
    expect(unitsBelow('53', 'total')).toBe(1);
    expect(unitsBelow('53', 'city')).toBe(CITIES.length);
    expect(unitsBelow('53', 'county')).toBe(COUNTIES.length);
    const kunming = CITIES.find((c) => c.code === '5301')!;
    expect(unitsBelow('5301', 'county')).toBe(kunming.counties.length);
    expect(kunming.counties.length).toBeGreaterThan(1);
  });

  it('counts halls from dim_hall county codes, and estimates them per county without', () => {
    const halls = ['530102', '530102', '530103', '532301'];
    expect(unitsBelow('53', 'hall', halls)).toBe(4);
    expect(unitsBelow('5301', 'hall', halls)).toBe(3);
    expect(unitsBelow('530102', 'hall', halls)).toBe(2);
    expect(unitsBelow('53', 'hall')).toBe(COUNTIES.length * 5);
    expect(unitsBelow('53', 'hall', [])).toBe(COUNTIES.length * 5);
  });
});

describe('partCells', () => {
  it('multiplies units, buckets, KPIs and periods', () => {
    expect(partCells({ units: 600, buckets: 1464, kpis: 3, periods: 3 })).toBe(7_905_600);
    expect(partCells({ units: 1, buckets: 24, kpis: 2, periods: 1 })).toBe(48);
  });
});

describe('assertWithinBudget', () => {
  it('refuses the query that took the heap down, saying how to narrow it', () => {
    // 600 halls × 61 days of hours × 3 KPIs × (current + previous + yoy)
    const cells = partCells({ units: 600, buckets: 61 * 24, kpis: 3, periods: 3 });
    let thrown: unknown;
    try {
      assertWithinBudget(cells, DEFAULT_MAX_CELLS);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ kind: 'invalid' });
    expect((thrown as Error).message).toContain(String(cells));
    expect((thrown as Error).message).toMatch(/narrow the time range/);
    expect((thrown as Error).message).toMatch(/coarser granularity/);
  });

  it('lets a wall-sized batch through, up to the budget exactly', () => {
    expect(() => assertWithinBudget(partCells({ units: 600, buckets: 1, kpis: 6, periods: 2 }), DEFAULT_MAX_CELLS)).not.toThrow();
    expect(() => assertWithinBudget(1000, 1000)).not.toThrow();
    expect(() => assertWithinBudget(1001, 1000)).toThrow(/at most 1000/);
  });
});

describe('assertDrillDepth', () => {
  it('refuses pages past the depth, not those before it', () => {
    expect(() => assertDrillDepth(200, 500, 100_000)).not.toThrow();
    expect(() => assertDrillDepth(201, 500, 100_000)).toThrow(/add filters/);
    expect(() => assertDrillDepth(100_000, 500)).toThrow(/page too deep/);
  });
});
