import type { DemoChannelConfig, Receivers } from './receivers';
// The shape of the built-in simulator as the scheduler and the history back-fill see it.

export interface SimulatorTask {
  name: string;
  schedule: string;
  tick(now: number): Promise<number>;
  /**
   * Prefixes of the ETL sources this system feeds: the scheduler starts their schedules (and first pass) only
   * after this system's first tick, so they never read a half-written catch-up.
   */
  feeds?: string[];
}

/** One simulated system's part of the history back-fill. */
export interface SimulatorHistorySystem {
  /** Names its progress (etl_watermark `history:simulator:<name>`). */
  name: string;
  /** ETL sources that load what prepareDay wrote (or what the system serves on demand), in load order. */
  sources: string[];
  /**
   * The system whose sources this one's used to be part of: until it has progress of its own, it continues
   * from that system's (and so on back along a chain of splits), so splitting a system in two (for a lane of
   * its own) does not load its past again.
   */
  splitFrom?: string;
  /**
   * Which of its sources' loads of a day may run side by side, each on a lane of its own, instead of one after
   * another: 'all' where no load depends on another's facts; 'after-first' where the others depend only on the
   * first (a master the facts name).
   */
  sourcesSideBySide?: 'all' | 'after-first';
  /** Writes one past local day into the source system; absent for systems that answer any past on demand. */
  prepareDay?(ymd: string): Promise<void>;
  /**
   * Writes one past local day as export files instead of into the source system (the history in bulk): per
   * source, the files its job's loadExport reads whole. Used instead of prepareDay where the engine reads our
   * disk and every source of the system loads exports; the back-fill removes the files once they are loaded.
   */
  exportDay?(ymd: string): Promise<Record<string, string[]>>;
  /** After the day is loaded: drop it from sources that keep only recent data. */
  purgeDay?(ymd: string): Promise<void>;
  /**
   * After the day's jobs ran: why the day is not loaded after all (what prepareDay wrote still waiting), or
   * null. A run that reports `ok` without taking the day's files must not count the day as loaded.
   */
  verifyDay?(ymd: string): Promise<string | null>;
}

/** How the simulator writes its past into its source systems, for the history back-fill. */
export interface SimulatorHistory {
  /** Local start of the first live day; history is the days before. Null before the first tick. */
  liveSince(): Promise<number | null>;
  /** The first keeps the progress key of the days when it was the only one (hall queue and CTI). */
  systems: SimulatorHistorySystem[];
}

/** The running simulator: its periodic tasks, the addresses of the systems it plays, and a way to stop it. */
export interface Simulator {
  tasks: SimulatorTask[];
  history?: SimulatorHistory;
  /** Placeholder values for the sources file, e.g. SIMULATOR_CTI_URL. */
  vars: Record<string, string>;
  /** The local receivers playing the duty channels' services (robots, SMS, SMTP …), when the simulator runs. */
  receivers?: Receivers;
  /** Channel rows pointing at those receivers, for the demo's duty set-up. */
  demoChannels?: DemoChannelConfig[];
  close(): Promise<void>;
}
