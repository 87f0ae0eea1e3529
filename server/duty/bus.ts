import { EventEmitter } from 'node:events';
import type { Db } from '../db/client';

// Server push for duty work. An alert's change is published once (by whichever process handled its outbox
// row) as a PostgreSQL NOTIFY; every web process LISTENs and hands it to its own open streams (the duty
// desk, the toast on every page, the wall's banner). Embedded, PGlite's LISTEN/NOTIFY does the same in the
// one process there is.

export const DUTY_CHANNEL = 'yingxiao_duty';

export interface DutyEvent {
  type: 'alert';
  eventId: string;
  /** 'fired' | 'severity' | 'recovered' | 'phase:<phase>' | 'escalated' | 'notified' */
  change: string;
  severity: 'red' | 'orange' | 'yellow' | 'blue';
  orgCode: string;
  orgName: string;
  title: string;
  titleEn: string;
  phase: string;
  /** Red alerts of a policy with the wall banner on: every wall showing this unit shows it at once. */
  banner: boolean;
  at: number;
}

export class DutyBus {
  private readonly local = new EventEmitter();
  private unlisten: Promise<() => Promise<void>> | undefined;

  constructor(private readonly db: Db) {
    this.local.setMaxListeners(0);
  }

  /** Starts hearing other processes (once); before that, only this process's publishes are heard. */
  start(): Promise<void> {
    this.unlisten ??= this.db.listen(DUTY_CHANNEL, (payload) => {
      try {
        this.local.emit('event', JSON.parse(payload) as DutyEvent);
      } catch {
        console.error('[duty] unreadable duty event ignored');
      }
    });
    this.unlisten.catch((err: unknown) => {
      console.error('[duty] cannot LISTEN for duty events:', err instanceof Error ? err.message : err);
      this.unlisten = undefined;
    });
    return this.unlisten.then(() => undefined);
  }

  async publish(e: DutyEvent): Promise<void> {
    // Titles are short; the payload stays far below NOTIFY's 8,000-byte limit.
    const body = JSON.stringify({ ...e, title: e.title.slice(0, 300), titleEn: e.titleEn.slice(0, 300) });
    if (this.unlisten) {
      await this.db.notify(DUTY_CHANNEL, body);
      return;
    }
    this.local.emit('event', JSON.parse(body) as DutyEvent);
  }

  subscribe(fn: (e: DutyEvent) => void): () => void {
    this.local.on('event', fn);
    return () => this.local.off('event', fn);
  }

  async close(): Promise<void> {
    const u = this.unlisten;
    this.unlisten = undefined;
    await u?.then((f) => f()).catch(() => undefined);
  }
}
