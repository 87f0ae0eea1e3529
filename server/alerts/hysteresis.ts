import type { Severity } from './spec';

// Hysteresis per rule and subject (DOMAIN.md §3): fire after N consecutive breaches, recover after M
// consecutive clears. While firing, a change of severity updates the same alert rather than opening another.

export type SubjectStatus = 'ok' | 'pending' | 'firing';

export interface SubjectState {
  status: SubjectStatus;
  severity: Severity | null;
  breachStreak: number;
  clearStreak: number;
}

export type StepAction = 'none' | 'fire' | 'update' | 'recover';

export const INITIAL: SubjectState = { status: 'ok', severity: null, breachStreak: 0, clearStreak: 0 };

export function step(
  prev: SubjectState | undefined,
  severity: Severity | null,
  h: { fireAfter: number; recoverAfter: number },
): { next: SubjectState; action: StepAction } {
  const p = prev ?? INITIAL;
  if (severity !== null) {
    // Streaks stop counting where they stop mattering, so a steady state is the same state (nothing to write).
    const breachStreak = Math.min(p.breachStreak + 1, h.fireAfter);
    if (p.status === 'firing') {
      return { next: { status: 'firing', severity, breachStreak, clearStreak: 0 }, action: severity === p.severity ? 'none' : 'update' };
    }
    if (breachStreak >= h.fireAfter) return { next: { status: 'firing', severity, breachStreak, clearStreak: 0 }, action: 'fire' };
    return { next: { status: 'pending', severity: null, breachStreak, clearStreak: 0 }, action: 'none' };
  }
  const clearStreak = Math.min(p.clearStreak + 1, h.recoverAfter);
  if (p.status === 'firing') {
    if (clearStreak >= h.recoverAfter) return { next: { status: 'ok', severity: null, breachStreak: 0, clearStreak }, action: 'recover' };
    return { next: { ...p, breachStreak: 0, clearStreak }, action: 'none' };
  }
  return { next: { status: 'ok', severity: null, breachStreak: 0, clearStreak }, action: 'none' };
}

/** A state worth storing: anything but a subject that is simply clear. */
export const isNoteworthy = (s: SubjectState) => s.status !== 'ok' || s.breachStreak > 0;
