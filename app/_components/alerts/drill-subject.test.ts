import { describe, expect, it } from 'vitest';
import { drillSubject, type DrillColumnLike } from './drill-subject';

const col = (name: string, extra: Partial<DrillColumnLike> = {}): DrillColumnLike => ({
  name,
  label: { zh: name, en: name },
  ...extra,
});

describe('the supervision subject of a drill row', () => {
  it('is the work order, in the row’s county, for a work-order row', () => {
    const columns = [col('order_id'), col('type'), col('county_code'), col('created_at')];
    const s = drillSubject(columns, { order_id: 'GD20261123001', type: '抢修', county_code: '330102' }, '3301');
    expect(s).toMatchObject({ type: 'work_order', ref: 'GD20261123001', orgCode: '330102' });
    expect(s?.column.name).toBe('order_id');
  });

  it('is a record named by the first column for other families, addressed to the county of the row’s hall (halls are not org units)', () => {
    const columns = [col('ticket_id'), col('hall_code'), col('window_no')];
    expect(drillSubject(columns, { ticket_id: 'A017', hall_code: '330102001', window_no: 3 }, '330102')).toMatchObject({
      type: 'record',
      ref: 'A017',
      orgCode: '330102',
    });
  });

  it('falls back to the alert’s unit when the row has no (valid) org column', () => {
    expect(drillSubject([col('call_id'), col('skill_group')], { call_id: 'C1' }, '33')?.orgCode).toBe('33');
    expect(drillSubject([col('bill_id'), col('county_code')], { bill_id: 'B1', county_code: null }, '3301')?.orgCode).toBe('3301');
    expect(drillSubject([col('bill_id'), col('county_code')], { bill_id: 'B1', county_code: '33010' }, '3301')?.orgCode).toBe('3301');
  });

  it('takes a numeric id as text', () => {
    expect(drillSubject([col('seq')], { seq: 42 }, '33')?.ref).toBe('42');
  });

  it('is none when the row has no id, or the id is personal data', () => {
    expect(drillSubject([col('order_id')], { order_id: '' }, '33')).toBeNull();
    expect(drillSubject([col('order_id')], { order_id: null }, '33')).toBeNull();
    expect(drillSubject([], {}, '33')).toBeNull();
    expect(drillSubject([col('customer_id', { personal: true }), col('county_code')], { customer_id: '3301****12' }, '33')).toBeNull();
    expect(drillSubject([col('customer_id', { masked: true })], { customer_id: '3301****12' }, '33')).toBeNull();
  });

  it('is none when the id is longer than a reference may be', () => {
    expect(drillSubject([col('order_id')], { order_id: 'x'.repeat(81) }, '33')).toBeNull();
  });
});
