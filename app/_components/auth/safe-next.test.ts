import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

describe('safeNext (where sign-in returns to)', () => {
  it('keeps a local path with its query', () => {
    expect(safeNext('/alerts?state=firing')).toBe('/alerts?state=firing');
    expect(safeNext(['/wall/demo', '/x'])).toBe('/wall/demo');
  });
  it('refuses other sites, protocol-relative and scheme URLs, control characters and loops', () => {
    for (const bad of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '/a\nb',
      '/sign-in?next=/x',
      '',
      undefined,
    ]) {
      expect(safeNext(bad)).toBe('/');
    }
  });
});
