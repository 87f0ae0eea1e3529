import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../_i18n/locale';
import { alertFigures, formatShortDateTime, formatValue, type AlertFiguresInput } from './alert-figures';
import type { SpecShape } from '../rules/rule-values';

const zh = createTranslator('zh-CN');
const en = createTranslator('en');
const unitOf = (kpi: string) => ({ 'call.loss_rate': 'percent', 'queue.longest_wait_now': 'minutes', 'call.inbound': 'count' })[kpi];
const drill = (kpi: string) => ({ kind: 'kpi', kpi, orgCode: '5301', time: { preset: 'today' }, filters: {} });

describe('alert figures', () => {
  it('shows a percent KPI and its threshold as percent, with the comparator', () => {
    const f = alertFigures(
      {
        kind: 'threshold',
        condition: 'breach',
        value: 0.123,
        figures: { value: 0.123, count: 240, threshold: 0.1, comparator: '>=' },
        drill: drill('call.loss_rate'),
      },
      { kind: 'threshold', kpi: 'call.loss_rate' },
      unitOf,
      zh,
    );
    expect(f.map((x) => [x.label, x.text])).toEqual([
      ['指标值', '12.3%'],
      ['阈值', '≥ 10%'],
      ['记录数', '240'],
    ]);
  });

  it('adds the graded value of a change rule as a ratio', () => {
    const f = alertFigures(
      {
        kind: 'change',
        condition: 'breach',
        value: 2.5,
        figures: { value: 50, base: 20, threshold: 2, comparator: '>=' },
        drill: drill('call.inbound'),
      },
      { kind: 'change', kpi: 'call.inbound' },
      unitOf,
      en,
    );
    expect(f.map((x) => `${x.label}=${x.text}`)).toEqual(['Value=50', 'Graded value=2.5×', 'Threshold=≥ 2×', 'Base=20']);
  });

  it('labels source codes and formats times in China Standard Time', () => {
    const f = alertFigures(
      {
        kind: 'time_limit',
        condition: 'breach',
        value: 0.8,
        figures: { share: 0.8, type: 'fault_repair', dueAt: '2026-11-30T15:17:00Z', status: 'weird' },
        drill: null,
      },
      { kind: 'time_limit', check: 'work_order_due' },
      unitOf,
      zh,
    );
    expect(Object.fromEntries(f.map((x) => [x.key, x.text]))).toEqual({
      share: '80%',
      type: '故障报修',
      dueAt: '11-30 23:17',
      status: 'weird',
    });
  });

  it('formats values per unit and says — for missing', () => {
    expect(formatValue(null, { unit: 'percent', scale: 100 }, zh)).toBe('—');
    expect(formatValue(32.25, { unit: 'minutes', scale: 1 }, zh)).toBe('32.3 分钟');
    expect(formatShortDateTime('nonsense')).toBe('—');
  });

  // One alert of every record kind, with the figures server/alerts/evaluators/record-rules.ts writes.
  const RECORD_ALERTS: { name: string; spec: SpecShape; alert: AlertFiguresInput }[] = [
    {
      name: 'work order due',
      spec: { kind: 'time_limit', check: 'work_order_due' },
      alert: {
        kind: 'time_limit',
        condition: 'breach',
        value: 1.2,
        figures: { share: 1.2, type: 'complaint', dueAt: '2026-12-04T10:00:00.000Z', status: 'dispatched' },
        drill: { kind: 'record', table: 'work_order', id: 'WO1' },
      },
    },
    {
      name: 'outage notice',
      spec: { kind: 'time_limit', check: 'outage_notice' },
      alert: {
        kind: 'time_limit',
        condition: 'breach',
        value: 5.5,
        figures: { hoursToStart: 5.5, affected: 120, unnotified: 30, type: 'planned', feeder: '10kV 城东线' },
        drill: { kind: 'record', table: 'outage', id: 'O1' },
      },
    },
    {
      name: 'reconnection',
      spec: { kind: 'time_limit', check: 'reconnection' },
      alert: {
        kind: 'time_limit',
        condition: 'breach',
        value: 26,
        figures: { hoursSincePayment: 26, paidAt: '2026-12-03T16:30:00.000Z', class: 'residential' },
        drill: { kind: 'record', table: 'reconnection', id: 'D1' },
      },
    },
    {
      name: 'dissatisfied rating',
      spec: { kind: 'record_event', event: 'dissatisfied_rating' },
      alert: {
        kind: 'record_event',
        condition: 'breach',
        value: 1,
        figures: { businessType: 'inquiry', at: '2026-12-04T03:12:00.000Z' },
        drill: { kind: 'record', table: 'queue_ticket', id: 'T1' },
      },
    },
    {
      name: 'SMS batch failed',
      spec: { kind: 'record_event', event: 'sms_batch_failed' },
      alert: {
        kind: 'record_event',
        condition: 'breach',
        value: 0.25,
        figures: { sent: 40, failed: 10, share: 0.25, firstSent: '2026-12-04T01:00:00.000Z' },
        drill: { kind: 'record', table: 'sms_batch', id: 'O2' },
      },
    },
    {
      name: 'balance warning point',
      spec: { kind: 'record_event', event: 'balance_low' },
      alert: {
        kind: 'record_event',
        condition: 'breach',
        value: -0.1,
        figures: {
          balance: -123.4,
          expectedCharge: 1234,
          ratio: -0.1,
          keyAccount: 1,
          control: 'load_control',
          snapshotAt: '2026-12-04T18:00:00.000Z',
        },
        drill: { kind: 'record', table: 'balance', id: 'C1' },
      },
    },
    {
      name: 'outage situation',
      spec: { kind: 'correlation' },
      alert: {
        kind: 'correlation',
        condition: 'breach',
        value: 800,
        figures: { outages: 3, affected: 800, faultCalls: 45, faultCallsPerHour: 90 },
        drill: null,
      },
    },
  ];
  const RAW_ISO = /\d{4}-\d{2}-\d{2}T\d{2}/;
  const RAW_CODE = /^[a-z]+(_[a-z]+)+$/;

  for (const { name, spec, alert } of RECORD_ALERTS) {
    for (const [lang, t] of [
      ['zh', zh],
      ['en', en],
    ] as const) {
      it(`labels and formats every figure of a ${name} alert (${lang}): no raw key, code or ISO time`, () => {
        const f = alertFigures(alert, spec, unitOf, t);
        expect(f.length).toBeGreaterThanOrEqual(Object.keys(alert.figures).length);
        for (const x of f) {
          expect(x.label, x.key).not.toBe(x.key);
          expect(x.label, x.key).not.toMatch(/^figure\./);
          expect(x.text, x.key).not.toMatch(RAW_ISO);
          expect(x.text, x.key).not.toMatch(RAW_CODE);
          expect(x.text, x.key).not.toMatch(/^code\.|^figure\./);
        }
        if (lang === 'zh') for (const x of f) expect(x.label, x.key).toMatch(/[\u4e00-\u9fff]/);
      });
    }
  }

  it('shows the balance warning point as money, percent, 是/否, a labelled control and Beijing time', () => {
    const balance = RECORD_ALERTS.find((r) => r.name === 'balance warning point')!;
    const f = alertFigures(balance.alert, balance.spec, unitOf, zh);
    expect(f.map((x) => [x.label, x.text])).toEqual([
      ['电费余额', '-123.40 元'],
      ['预计电费', '1,234.00 元'],
      ['余额/预计电费', '-10%'],
      ['大客户', '是'],
      ['费控方式', '负荷控制'],
      ['余额快照时间', '12-05 02:00'],
    ]);
    const e = alertFigures(balance.alert, balance.spec, unitOf, en);
    expect(Object.fromEntries(e.map((x) => [x.label, x.text]))).toMatchObject({ 'Key account': 'yes', 'Fee control': 'load control' });
  });

  it('has the record tables a drill names in both languages', () => {
    for (const table of ['work_order', 'outage', 'reconnection', 'queue_ticket', 'sms_batch', 'balance']) {
      const k = `alerts.table.${table}` as Parameters<typeof zh>[0];
      expect(zh(k)).not.toBe(k);
      expect(en(k)).not.toBe(k);
    }
  });
});
