// What the local receivers record: every accepted message (for tests and the demo's "sent" view) and, per kind,
// how many were accepted and refused by reason.

export type ReceiverKind = 'wecom' | 'dingtalk' | 'feishu' | 'sms_aliyun' | 'smpp' | 'email' | 'webhook';

export interface ReceivedMessage {
  kind: ReceiverKind;
  /** The channel account it arrived on (robot key / token / hook id, AccessKeyId, system_id, SMTP user, webhook name). */
  account: string;
  recipient?: string;
  mobile?: string;
  mentions?: string[];
  title?: string;
  text: string;
  /** UTF-8 bytes of the text (the limit the service checks). */
  bytes: number;
  /** SMS parts (70 characters single, 67 per part). */
  segments?: number;
  at: number;
  receipt?: string;
  duplicate?: boolean;
  raw: unknown;
}

export interface KindStats {
  accepted: number;
  refused: Record<string, number>;
  duplicates: number;
}

export class ReceiverStore {
  readonly messages: ReceivedMessage[] = [];
  private counters = new Map<ReceiverKind, KindStats>();
  constructor(private readonly cap = 10_000) {}

  private of(kind: ReceiverKind): KindStats {
    let s = this.counters.get(kind);
    if (!s) this.counters.set(kind, (s = { accepted: 0, refused: {}, duplicates: 0 }));
    return s;
  }
  accept(m: ReceivedMessage): void {
    const s = this.of(m.kind);
    if (m.duplicate) s.duplicates += 1;
    else s.accepted += 1;
    this.messages.push(m);
    if (this.messages.length > this.cap) this.messages.splice(0, this.messages.length - this.cap);
  }
  refuse(kind: ReceiverKind, reason: string): void {
    const s = this.of(kind);
    s.refused[reason] = (s.refused[reason] ?? 0) + 1;
  }
  received(kind?: ReceiverKind): ReceivedMessage[] {
    return kind ? this.messages.filter((m) => m.kind === kind) : [...this.messages];
  }
  stats(): Partial<Record<ReceiverKind, KindStats>> {
    return Object.fromEntries(
      [...this.counters].map(([k, v]) => [k, { accepted: v.accepted, duplicates: v.duplicates, refused: { ...v.refused } }]),
    );
  }
  reset(): void {
    this.messages.length = 0;
    this.counters.clear();
  }
}

/** Counts events in fixed windows (calendar second / minute / hour of the injected clock). */
export class WindowCounter {
  private windows = new Map<string, { start: number; n: number }>();
  constructor(private readonly windowMs: number) {}
  /** Records one event; returns the count in the current window including it. */
  hit(key: string, now: number): number {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    const w = this.windows.get(key);
    if (!w || w.start !== start) {
      this.windows.set(key, { start, n: 1 });
      if (this.windows.size > 100_000) this.windows.clear();
      return 1;
    }
    w.n += 1;
    return w.n;
  }
  count(key: string, now: number): number {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    const w = this.windows.get(key);
    return w && w.start === start ? w.n : 0;
  }
  reset(): void {
    this.windows.clear();
  }
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
export const smsSegments = (text: string): number => (text.length === 0 ? 0 : text.length <= 70 ? 1 : Math.ceil(text.length / 67));
