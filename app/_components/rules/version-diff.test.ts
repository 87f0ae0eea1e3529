import { describe, expect, it } from 'vitest';
import { showValue, versionChanges } from './version-diff';

describe('version changes', () => {
  const v1 = {
    name: '呼损率',
    enabled: true,
    spec: { kind: 'threshold', levels: { red: 0.2, yellow: 0.05 }, recipients: [{ kind: 'duty_officer' }] },
  };
  it('lists changed leaves by path, added and removed ones included', () => {
    const v2 = {
      name: '呼损率',
      enabled: false,
      spec: { kind: 'threshold', levels: { red: 0.25, orange: 0.1, yellow: 0.05 }, recipients: [{ kind: 'duty_officer' }] },
    };
    expect(versionChanges(v1, v2)).toEqual([
      { path: 'enabled', from: true, to: false },
      { path: 'levels.red', from: 0.2, to: 0.25 },
      { path: 'levels.orange', from: undefined, to: 0.1 },
    ]);
  });
  it('compares arrays as a whole and finds nothing when nothing changed', () => {
    expect(versionChanges(v1, structuredClone(v1))).toEqual([]);
    const v2 = { ...v1, spec: { ...v1.spec, recipients: [{ kind: 'unit' }] } };
    expect(versionChanges(v1, v2).map((c) => c.path)).toEqual(['recipients']);
    expect(versionChanges(undefined, v1)).toEqual([]);
  });
  it('shows values compactly', () => {
    expect(showValue(undefined)).toBe('—');
    expect(showValue('x')).toBe('x');
    expect(showValue([{ kind: 'unit' }])).toBe('[{"kind":"unit"}]');
  });
});
