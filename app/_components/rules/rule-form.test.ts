import { describe, expect, it } from 'vitest';
import { STARTER_RULES } from '@/server/alerts/starter-rules';
import { ruleInput, ruleSpecSchema } from '@/server/alerts/spec';
import { KPI_BY_ID } from '@/server/kpi/definitions';
import { buildRuleInput, defaultForm, formFromRule, parseFilters, type RuleForm } from './rule-form';

const unitOf = (kpi: string) => KPI_BY_ID.get(kpi)?.unit;

function build(form: RuleForm) {
  const r = buildRuleInput(form, unitOf);
  if (!r.ok) throw new Error(`form errors: ${JSON.stringify(r.errors)}`);
  return r.rule;
}

describe('form → spec', () => {
  it('stores percent thresholds of a percent KPI as fractions', () => {
    const form = {
      ...defaultForm('threshold'),
      name: '呼损率',
      kpi: 'call.loss_rate',
      levels: { red: '20', orange: '10', yellow: '5', blue: '' },
    };
    const rule = build(form);
    expect(rule.spec.levels).toEqual({ red: 0.2, orange: 0.1, yellow: 0.05 });
    expect(ruleSpecSchema.safeParse(rule.spec).success).toBe(true);
  });

  it('keeps minutes as typed', () => {
    const rule = build({
      ...defaultForm('threshold'),
      name: '等待',
      kpi: 'queue.avg_wait',
      levels: { red: '30', orange: '', yellow: '20', blue: '' },
    });
    expect(rule.spec.levels).toEqual({ red: 30, yellow: 20 });
  });

  it('builds each kind into a spec the server accepts', () => {
    const base = { name: '测试规则', levels: { red: '3', orange: '', yellow: '2', blue: '' } };
    const forms: RuleForm[] = [
      { ...defaultForm('threshold'), ...base, window: 'today' },
      { ...defaultForm('change'), ...base, kpi: 'queue.tickets', changeMode: 'versus_kpi', baseKpi: 'queue.called' },
      { ...defaultForm('compare'), ...base, kpi: 'wo.orders', against: 'yoy' },
      { ...defaultForm('anomaly'), ...base, kpi: 'call.inbound', filters: 'category=fault_repair' },
      { ...defaultForm('time_limit'), ...base, check: 'outage_notice', outageTypes: ['planned'] },
      { ...defaultForm('record_event'), ...base, event: 'sms_batch_failed' },
      { ...defaultForm('correlation'), ...base },
    ];
    for (const f of forms) {
      const rule = build(f);
      const parsed = ruleInput.safeParse(rule);
      expect(parsed.success, `${f.kind}: ${parsed.error?.message}`).toBe(true);
      expect(rule.spec.kind).toBe(f.kind);
    }
  });

  it('reports bad fields instead of building', () => {
    const r = buildRuleInput(
      {
        ...defaultForm('change'),
        name: 'x',
        changeMode: 'versus_kpi',
        baseKpi: '',
        windowMinutes: 'abc',
        levels: { red: 'x', orange: '', yellow: '', blue: '' },
        hoursOn: true,
        hoursFrom: '8:3',
      },
      unitOf,
    );
    expect(r.ok).toBe(false);
    const fields = r.ok ? [] : r.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['baseKpi', 'hours', 'levels.red', 'name', 'windowMinutes']);
  });

  it('needs at least one threshold', () => {
    const r = buildRuleInput({ ...defaultForm('threshold'), name: '无阈值' }, unitOf);
    expect(r.ok ? [] : r.errors).toEqual([{ field: 'levels', code: 'levels' }]);
  });

  it('parses dimension filters and refuses malformed ones', () => {
    expect(parseFilters('category=fault_repair,complaint; skill_group=a')).toEqual({
      category: ['fault_repair', 'complaint'],
      skill_group: ['a'],
    });
    expect(parseFilters('')).toEqual({});
    expect(parseFilters('category')).toBeNull();
    expect(parseFilters('Category=x')).toBeNull();
  });
});

describe('spec → form → spec', () => {
  it('every starter rule comes back unchanged through the editor', () => {
    for (const r of STARTER_RULES) {
      const form = formFromRule(r, unitOf);
      const again = ruleInput.parse(build(form));
      expect(again.spec, r.name).toEqual(r.spec);
      expect(again.name).toBe(r.name);
    }
  });

  it('shows a percent rule’s thresholds as percent', () => {
    const loss = STARTER_RULES.find((r) => r.spec.kind === 'threshold' && r.spec.kpi === 'call.loss_rate')!;
    expect(formFromRule(loss, unitOf).levels).toEqual({ red: '20', orange: '10', yellow: '5', blue: '' });
  });
});
