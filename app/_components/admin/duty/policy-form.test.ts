import { describe, expect, it } from 'vitest';
import { DOMAINS as SERVER_DOMAINS, DUTY_ROLES as SERVER_ROLES, policyInputSchema } from '@/server/duty/policy';
import { SEVERITIES as SERVER_SEVERITIES } from '@/server/alerts/spec';
import {
  DOMAINS,
  DUTY_ROLES,
  SEVERITIES,
  formToInput,
  matchSummary,
  newPolicyForm,
  policyToForm,
  serverProblems,
  stepsSummary,
  type PolicyForm,
  type SummaryWords,
} from './policy-form';

const words: SummaryWords = {
  org: (c) => (c === '5301' ? '昆明市及下级' : `${c}及下级`),
  severity: (s) => ({ red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' })[s],
  domain: (d) => d,
  allSeverities: '全部级别',
  allDomains: '全部领域',
  kinds: (k) => `规则类型 ${k}`,
  role: (r) => r,
  level: (l) => l,
  channel: (id) => id.toUpperCase(),
  now: '立即',
  after: (n) => `${n} 分钟后`,
  step: (when, targets, channels) => `${when}：${targets} → ${channels}`,
  sep: '、',
};

const row = {
  id: 'p1',
  name: '昆明红橙',
  priority: 10,
  enabled: true,
  wallBanner: false,
  match: { orgCode: '5301', severities: ['red', 'orange'], domains: ['queue'] },
  steps: [
    {
      afterMinutes: 0,
      targets: [{ type: 'on_duty', role: 'hall_manager', level: 'alert' }],
      deliveries: [{ channels: ['wecom-km', 'sms'] }],
    },
    { afterMinutes: 15, targets: [{ type: 'user', username: 'zhang' }], deliveries: [{ channels: ['sms'] }, { channels: ['mail'] }] },
  ],
};

describe('constants', () => {
  it('mirror the server', () => {
    expect([...SEVERITIES]).toEqual([...SERVER_SEVERITIES]);
    expect([...DOMAINS]).toEqual([...SERVER_DOMAINS]);
    expect([...DUTY_ROLES]).toEqual([...SERVER_ROLES]);
  });
});

describe('policy form ↔ input', () => {
  it('round-trips a stored policy into an input the server accepts', () => {
    const out = formToInput(policyToForm(row));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.value).toEqual({ name: row.name, priority: 10, enabled: true, wallBanner: false, match: row.match, steps: row.steps });
    expect(policyInputSchema.safeParse(out.value).success).toBe(true);
  });

  it('omits empty match lists and parses rule kinds', () => {
    const f: PolicyForm = { ...newPolicyForm('53', 'wecom'), name: ' 全省 ', kinds: 'kpi_threshold， time_limit  ' };
    const out = formToInput(f);
    expect(out.ok && out.value.match).toEqual({ orgCode: '53', kinds: ['kpi_threshold', 'time_limit'] });
    expect(out.ok && out.value.name).toBe('全省');
  });

  it('reports what is wrong', () => {
    const base = policyToForm(row);
    const bad = (f: Partial<PolicyForm>) => {
      const o = formToInput({ ...base, ...f });
      return o.ok ? [] : o.problems;
    };
    expect(bad({ name: '  ' })).toEqual(['name']);
    expect(bad({ priority: '1.5' })).toEqual(['priority']);
    expect(bad({ steps: [{ ...base.steps[0]!, afterMinutes: '5' }] })).toEqual(['first']);
    expect(bad({ steps: [base.steps[0]!, { ...base.steps[1]!, afterMinutes: '0' }] })).toEqual(['minutes']);
    expect(bad({ steps: [{ ...base.steps[0]!, targets: [{ type: 'user', username: ' ' }] }] })).toEqual(['targets']);
    expect(bad({ steps: [{ ...base.steps[0]!, chains: [['']] }] })).toEqual(['channels']);
    expect(formToInput(newPolicyForm('53')).ok).toBe(false);
  });

  it('reads unreadable stored JSON without throwing', () => {
    const f = policyToForm({ ...row, match: null, steps: 'x' });
    expect(f.orgCode).toBe('53');
    expect(f.steps).toHaveLength(1);
  });
});

describe('summaries', () => {
  it('summarises the match', () => {
    expect(matchSummary(row.match, words)).toBe('昆明市及下级 · 红色/橙色 · queue');
    expect(matchSummary({ orgCode: '53', kinds: ['k1'] }, words)).toBe('53及下级 · 全部级别 · 全部领域 · 规则类型 k1');
  });

  it('summarises the steps', () => {
    expect(stepsSummary(row.steps, words)).toEqual(['立即：hall_manager(alert) → WECOM-KM › SMS', '15 分钟后：@zhang → SMS、MAIL']);
  });

  it('splits server messages', () => {
    expect(serverProblems('steps.1.afterMinutes: 升级步骤的时间须递增；name: Too small')).toEqual([
      'steps.1.afterMinutes: 升级步骤的时间须递增',
      'name: Too small',
    ]);
  });
});
