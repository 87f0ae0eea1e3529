import type { Env } from '@/core/env';
import type { DemoChannelConfig } from './receivers';

// Messages between the product and the simulator running in its own process or thread (in-worker.ts ↔
// worker-entry.ts). Only data crosses: the simulator describes its tasks and history systems once, then
// answers calls by name. A child process first receives its configuration (`init`); a thread has it as
// workerData.

export type SimulatorCall =
  | { op: 'tick'; task: string; now: number }
  | { op: 'liveSince' }
  | { op: 'prepareDay' | 'exportDay' | 'purgeDay' | 'verifyDay'; system: string; ymd: string }
  | { op: 'close' };

export type ToWorker = { id: number; call: SimulatorCall } | { init: Env };

export interface SimulatorDescription {
  tasks: { name: string; schedule: string; feeds?: string[] }[];
  history?: {
    systems: {
      name: string;
      sources: string[];
      splitFrom?: string;
      sourcesSideBySide?: 'all' | 'after-first';
      prepareDay: boolean;
      exportDay: boolean;
      purgeDay: boolean;
      verifyDay: boolean;
    }[];
  };
  vars: Record<string, string>;
  demoChannels?: DemoChannelConfig[];
}

export type FromWorker =
  | { kind: 'ready'; description: SimulatorDescription }
  | { kind: 'failed'; error: string }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };
