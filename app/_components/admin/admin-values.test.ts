import { describe, expect, it } from 'vitest';
import {
  canApprove,
  inScope,
  isOrgCode,
  maskedToken,
  newUserInput,
  normalisePairCode,
  parseExpiryDays,
  passwordProblem,
  scopedOrgOptions,
  tokenState,
  userPatch,
  userState,
} from './admin-values';

const NOW = Date.parse('2026-03-01T00:00:00Z');

describe('org scope', () => {
  it('checks codes and scope by prefix', () => {
    expect(isOrgCode('53')).toBe(true);
    expect(isOrgCode('530102001')).toBe(true);
    expect(isOrgCode('5')).toBe(false);
    expect(isOrgCode('53a1')).toBe(false);
    expect(isOrgCode('5301020011')).toBe(false);
    expect(inScope('5301', '530102')).toBe(true);
    expect(inScope('5301', '5303')).toBe(false);
  });
  it('keeps the scope node and below', () => {
    const opts = [
      { code: '53', name: '云南省', depth: 0 as const },
      { code: '5301', name: '昆明市', depth: 1 as const },
      { code: '530102', name: '五华区', depth: 2 as const },
      { code: '5303', name: '曲靖市', depth: 1 as const },
    ];
    expect(scopedOrgOptions(opts, '53')).toHaveLength(4);
    expect(scopedOrgOptions(opts, '5301').map((o) => o.code)).toEqual(['5301', '530102']);
    expect(scopedOrgOptions(opts, '530102001')).toEqual([]);
  });
});

describe('users', () => {
  it('mirrors the server password rule', () => {
    expect(passwordProblem('abc123')).toBe('length');
    expect(passwordProblem('abcdefghijk')).toBe('mix');
    expect(passwordProblem('12345678901')).toBe('mix');
    expect(passwordProblem('a'.repeat(120) + '123456789')).toBe('length');
    expect(passwordProblem('Kunming2026')).toBeNull();
  });
  it('derives the state shown in the table', () => {
    expect(userState({ disabled: true, lockedUntil: '2026-03-01T01:00:00Z' }, NOW)).toBe('disabled');
    expect(userState({ disabled: false, lockedUntil: '2026-03-01T01:00:00Z' }, NOW)).toBe('locked');
    expect(userState({ disabled: false, lockedUntil: '2026-02-28T23:00:00Z' }, NOW)).toBe('active');
    expect(userState({ disabled: false, lockedUntil: null }, NOW)).toBe('active');
  });
  it('builds the create input without a blank e-mail', () => {
    const base = { username: ' zhang.san ', displayName: ' 张三 ', role: 'viewer', orgCode: ' 5301 ', email: ' ', password: 'Kunming2026' };
    expect(newUserInput(base)).toEqual({
      username: 'zhang.san',
      displayName: '张三',
      role: 'viewer',
      orgCode: '5301',
      password: 'Kunming2026',
    });
    expect(newUserInput({ ...base, email: ' z@example.cn ' }).email).toBe('z@example.cn');
  });
  it('sends only what changed', () => {
    const before = { displayName: '张三', role: 'viewer', orgCode: '5301' };
    expect(userPatch(before, { displayName: ' 张三 ', role: 'viewer', orgCode: '5301' })).toEqual({});
    expect(userPatch(before, { displayName: '张三丰', role: 'manager', orgCode: '530102' })).toEqual({
      displayName: '张三丰',
      role: 'manager',
      orgCode: '530102',
    });
    expect(userPatch(before, { displayName: '张三', role: 'viewer', orgCode: '5303' })).toEqual({ orgCode: '5303' });
  });
});

describe('tokens and screens', () => {
  it('derives a token state', () => {
    expect(tokenState({ revokedAt: '2026-02-01T00:00:00Z', expiresAt: null }, NOW)).toBe('revoked');
    expect(tokenState({ revokedAt: null, expiresAt: '2026-02-28T00:00:00Z' }, NOW)).toBe('expired');
    expect(tokenState({ revokedAt: null, expiresAt: '2026-03-02T00:00:00Z' }, NOW)).toBe('active');
    expect(tokenState({ revokedAt: null, expiresAt: null }, NOW)).toBe('active');
  });
  it('masks a token to its prefix', () => {
    expect(maskedToken('ymt_AbCdEf')).toBe('ymt_AbCdEf…');
  });
  it('parses the expiry in days', () => {
    expect(parseExpiryDays('')).toEqual({ ok: true, days: undefined });
    expect(parseExpiryDays(' 90 ')).toEqual({ ok: true, days: 90 });
    expect(parseExpiryDays('3650')).toEqual({ ok: true, days: 3650 });
    expect(parseExpiryDays('0')).toEqual({ ok: false });
    expect(parseExpiryDays('3651')).toEqual({ ok: false });
    expect(parseExpiryDays('1.5')).toEqual({ ok: false });
    expect(parseExpiryDays('-3')).toEqual({ ok: false });
  });
  it('normalises a pairing code and checks the approve form', () => {
    expect(normalisePairCode(' ab3-k7p ')).toBe('AB3K7P');
    expect(canApprove({ code: 'ab3-k7p', layoutId: 'demo', name: '左屏' })).toBe(true);
    expect(canApprove({ code: 'ab3', layoutId: 'demo', name: '左屏' })).toBe(false);
    expect(canApprove({ code: 'AB3K7P', layoutId: '', name: '左屏' })).toBe(false);
    expect(canApprove({ code: 'AB3K7P', layoutId: 'demo', name: '  ' })).toBe(false);
  });
});
