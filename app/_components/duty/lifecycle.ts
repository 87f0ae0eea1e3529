// The duty life cycle as the browser needs it (server/duty/lifecycle.ts is the source of truth; a unit test
// keeps the lists equal). Pure: which buttons an alert's row shows, which need a dialog, who may press them.

export const PHASES = ['raised', 'acknowledged', 'assigned', 'supervised', 'handled', 'verified', 'closed', 'recovered'] as const;
export type Phase = (typeof PHASES)[number];
export const OPEN_PHASES: readonly Phase[] = ['raised', 'acknowledged', 'assigned', 'supervised', 'handled', 'verified'];

export const ACTIONS = ['acknowledge', 'assign', 'supervise', 'handle', 'verify', 'close', 'reopen'] as const;
export type DutyAction = (typeof ACTIONS)[number];

export const INBOX_VIEWS = ['unacknowledged', 'mine', 'open', 'all'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

/** What an action asks for before it is sent: nothing, a person, a note, or the supervision form. */
export type ActionInput = 'none' | 'assignee' | 'note' | 'supervision';

export const ACTION_INPUT: Record<DutyAction, ActionInput> = {
  acknowledge: 'none',
  assign: 'assignee',
  supervise: 'supervision',
  handle: 'none',
  verify: 'none',
  close: 'note',
  reopen: 'note',
};

export const isPhase = (v: unknown): v is Phase => typeof v === 'string' && (PHASES as readonly string[]).includes(v);
export const isAction = (v: unknown): v is DutyAction => typeof v === 'string' && (ACTIONS as readonly string[]).includes(v);

/** The permission an action needs: 督办 needs duty.supervise, every other step duty.act. */
export function permissionFor(action: DutyAction): 'duty.act' | 'duty.supervise' {
  return action === 'supervise' ? 'duty.supervise' : 'duty.act';
}

export interface ActionButton {
  action: DutyAction;
  input: ActionInput;
  /** The one step the row suggests first (drawn as the primary button). */
  primary: boolean;
}

/**
 * The buttons of a row: the actions the server allows in this phase that the person may take, in the life
 * cycle's order; the first forward step (not close / reopen) is the primary one.
 */
export function actionButtons(allowed: readonly string[], permissions: readonly string[]): ActionButton[] {
  const granted = new Set(permissions);
  const list = ACTIONS.filter((a) => allowed.includes(a) && granted.has(permissionFor(a)));
  const primary = list.find((a) => a !== 'close' && a !== 'reopen') ?? null;
  return list.map((action) => ({ action, input: ACTION_INPUT[action], primary: action === primary }));
}

/** Counts per open phase in life-cycle order, from the inbox's `byPhase`; unknown keys are ignored. */
export function phaseCounts(byPhase: Record<string, number> | undefined): { phase: Phase; count: number }[] {
  return OPEN_PHASES.map((phase) => ({ phase, count: byPhase?.[phase] ?? 0 }));
}

/** Why an alert is not being notified: 'silenced:<id>' (静默) or 'inhibited:<situation>' (被停电事件抑制). */
export function suppressionKind(s: string | null | undefined): 'silenced' | 'inhibited' | null {
  if (!s) return null;
  if (s.startsWith('silenced')) return 'silenced';
  if (s.startsWith('inhibited')) return 'inhibited';
  return 'silenced';
}

/** The server's words for a refused step, shorter: a tRPC error's message, or a fallback. */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof (err as { message: unknown }).message === 'string') {
    const m = (err as { message: string }).message.trim();
    if (m) return m.length > 300 ? `${m.slice(0, 297)}…` : m;
  }
  return String(err ?? '');
}

/** A conflict: someone else moved the alert first (the server's ConflictError → tRPC CONFLICT). */
export function isConflict(err: unknown): boolean {
  const data = err && typeof err === 'object' ? (err as { data?: { code?: unknown; httpStatus?: unknown } }).data : undefined;
  return data?.code === 'CONFLICT' || data?.httpStatus === 409;
}

/** Duty roles of the roster (server/duty/roster.ts). */
export const DUTY_ROLES = ['duty_officer', 'hall_manager', 'leader'] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];

/** Run-log categories (server/duty/run-log.ts). */
export const RUN_LOG_CATEGORIES = ['alert', 'escalation', 'source', 'handover', 'supervision', 'roster', 'note', 'other'] as const;

/** Supervision states (server/duty/supervision.ts). */
export const SUPERVISION_STATUSES = ['open', 'sent', 'escalated', 'replied', 'verified', 'closed'] as const;
