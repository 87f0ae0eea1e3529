import type { ClickHouse } from '@/core/clickhouse/client';
import type { Env } from '@/core/env';
import { isDomainError } from '@/core/errors';
import { sourceLateness } from '@/etl/runtime/lateness';
import { sourceFreshness } from '@/etl/runtime/run-records';
import { listAlerts } from '../alerts/rule-service';
import { SEVERITIES } from '../alerts/spec';
import type { Db } from '../db/client';
import { KPI_BY_ID } from '../kpi/definitions';
import { FAMILY_BY_ID } from '../kpi/families';
import { kpiQueryInput, type KpiQuery } from '../kpi/query/schema';
import { businessDate, businessDayOf, ymd } from '../kpi/query/time';
import type { Freshness, KpiService } from '../kpi/service';
import { hallDirectory } from '../repositories/queue-tickets';
import type { PanelSpec, ZoneSpec } from './layout';
import { needsProblem, type WallLayouts } from './layouts';
import { PANEL_CATALOG, type PanelNeeds } from './panel-catalog';
import { activePanels } from './rotation';
import type { WallEvents } from './events';
import type { PanelData, ZoneData } from './types';
import { ZoneAnswers, type AnswerKey } from './zone-answers';
import type { PackedZone } from './zone-pack';

// The zone data call: the needs of every panel in the zone's current list gathered into ONE KPI batch plus
// alerts, freshness and hall positions. Computed when data commits or the clock moves, not when asked: the
// answers are stored per zone and scene (zone-answers.ts), so N screens of a zone cost one computation, a
// request costs a lookup, and the last good answer is served (marked stale) when the data store fails.

export interface ZoneDataRuntime {
  ch: ClickHouse;
  db: Db;
  env: Pick<Env, 'BUSINESS_TZ'>;
  kpi: KpiService;
  bootedAt: number;
  /** Where a recomputed answer is announced (the layout's push streams); none in a bare service. */
  events?: Pick<WallEvents, 'publish'>;
}

/** What a commit touched, for the zone answers made of it (zone-answers.ts). */
export interface CommitTopics {
  /** ETL sources that committed rows (`cti.calls`). */
  sources?: string[];
  /** KPI families whose rollups were refreshed. */
  families?: string[];
  /** Alerts fired, changed or recovered. */
  alerts?: boolean;
}

const ALERTS_TOPIC = 'alerts';
const familyTopic = (id: string) => `family:${id}`;

/** A commit as the topics zone answers are made of (see ZoneDataService.topicsOf). */
export function commitTopics(what: CommitTopics): string[] {
  return [...(what.sources ?? []), ...(what.families ?? []).map(familyTopic), ...(what.alerts ? [ALERTS_TOPIC] : [])];
}

/** Halls move rarely: their places are read once per 5 minutes (as the KPI layer reads their names). */
const HALL_POSITIONS_TTL_MS = 300_000;

type HallPlace = { hall_code: string; county_code: string; lon: number; lat: number };

/**
 * Hall code → [lon, lat] (rounded to 1e-5°, about a metre) of the halls within `orgCode` (by hall code or
 * county code, as the KPI layer's hall break-down), leaving out places that cannot be real: not finite, off
 * the globe, or 0/0 (an unset place). The map draws a hall without a place at its county's centroid.
 */
export function hallPositionsWithin(halls: readonly HallPlace[], orgCode: string): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  const r = (v: number) => Math.round(v * 1e5) / 1e5;
  for (const h of halls) {
    if (!h.hall_code.startsWith(orgCode) && !h.county_code.startsWith(orgCode)) continue;
    const { lon, lat } = h;
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90 || (lon === 0 && lat === 0)) continue;
    out[h.hall_code] = [r(lon), r(lat)];
  }
  return out;
}

export class ZoneDataService {
  readonly answers: ZoneAnswers;
  private halls: { at: number; value: Promise<HallPlace[]> } | undefined;
  private lastHalls: HallPlace[] | null = null;

  constructor(
    private readonly rt: ZoneDataRuntime,
    private readonly layouts: WallLayouts,
  ) {
    this.answers = new ZoneAnswers(
      async (key, now, opts) => {
        // The spec as stored now: after a save the screens ask for the new version, and this key is dropped.
        const { stored, zone } = await this.layouts.requireZone(key.layoutId, key.zoneId);
        return this.computeZone(key.layoutId, stored.version, zone, key.scene, now, opts.fresh);
      },
      rt.events ?? null,
      (key) => this.topicsOf(key),
    );
  }

  /**
   * The commit topics a zone's answer is made of: the sources and families of its panels' KPIs, `alerts` for
   * the alert panels; null (every commit) with a freshness panel, which shows every source's last run.
   */
  async topicsOf(key: AnswerKey): Promise<ReadonlySet<string> | null> {
    const { zone } = await this.layouts.requireZone(key.layoutId, key.zoneId);
    const out = new Set<string>();
    for (const panel of activePanels(zone, key.scene)) {
      const needs = PANEL_CATALOG[panel.type]?.needs(panel, zone);
      if (!needs) continue;
      if (needs.freshness) return null;
      if (needs.alerts) out.add(ALERTS_TOPIC);
      for (const q of needs.kpi)
        for (const id of q.kpis) {
          const family = FAMILY_BY_ID.get(KPI_BY_ID.get(id)?.family ?? '');
          if (!family) return null;
          out.add(familyTopic(family.id));
          for (const s of family.sources) out.add(s);
        }
    }
    return out;
  }

  private async key(layoutId: string, zoneId: string, scene: string | null): Promise<AnswerKey> {
    const { stored, zone } = await this.layouts.requireZone(layoutId, zoneId);
    const sceneId = scene && zone.scenes.some((s) => s.id === scene) ? scene : null;
    return { layoutId, zoneId, scene: sceneId, version: stored.version, refreshSec: zone.refreshSec };
  }

  /**
   * The figures of every panel in the zone's list for `scene` (null = the zone's own panels): one KPI batch,
   * alerts and freshness, stored and shared by every screen that asks. When the data store fails, the last
   * good answer comes back with every panel marked stale and `degraded` saying why.
   */
  async zoneData(layoutId: string, zoneId: string, scene: string | null, now: number): Promise<ZoneData> {
    return this.answers.get(await this.key(layoutId, zoneId, scene), now);
  }

  /** The same answer packed (zone-pack.ts), its static part left out when the screen holds version `have`. */
  async zoneDataPacked(layoutId: string, zoneId: string, scene: string | null, now: number, have: string | null): Promise<PackedZone> {
    return this.answers.packed(await this.key(layoutId, zoneId, scene), now, have);
  }

  /**
   * The answer computed now and stored nowhere, past the KPI layer's few-second result cache: what each refresh
   * cost before the answers were stored (one computation per zone every refresh interval; the bench's baseline).
   */
  async computeOnce(layoutId: string, zoneId: string, scene: string | null, now: number): Promise<ZoneData> {
    const { stored, zone } = await this.layouts.requireZone(layoutId, zoneId);
    const sceneId = scene && zone.scenes.some((s) => s.id === scene) ? scene : null;
    return this.computeZone(layoutId, stored.version, zone, sceneId, now, true);
  }

  /**
   * Data committed: an ETL batch of `sources`, a rollup refresh of `families`, alerts changed (nothing named:
   * anything may have). The live answers made of it follow.
   */
  dataCommitted(what?: CommitTopics): void {
    this.answers.committed(what ? commitTopics(what) : undefined);
  }

  /** While a layout's screens hold its push stream, its answers follow the clock too. Returns the release. */
  watch(layoutId: string): () => void {
    return this.answers.watch(layoutId);
  }

  private async computeZone(
    layoutId: string,
    version: number,
    zone: ZoneSpec,
    scene: string | null,
    now: number,
    afterCommit: boolean,
  ): Promise<ZoneData> {
    const visitor = zone.kind === 'visitor';
    const panels = activePanels(zone, scene);
    const kpi = this.rt.kpi;
    const result: Record<string, PanelData> = {};
    const plans: { panel: PanelSpec; needs: PanelNeeds; from: number; to: number }[] = [];
    const batch: KpiQuery[] = [];
    for (const panel of panels) {
      const entry = PANEL_CATALOG[panel.type];
      // Enforced here, not only in the layout check: a visitor zone never serves a panel that is not visitor-safe.
      const refused = !entry
        ? 'unknown_type'
        : visitor && !entry.visitorSafe
          ? 'not_visitor_safe'
          : needsProblem(panel, zone)
            ? 'bad_params'
            : null;
      if (refused || !entry) {
        result[panel.id] = { kpi: [], dataAsOf: null, stale: false, refused: refused ?? 'unknown_type' };
        continue;
      }
      const needs = entry.needs(panel, zone);
      const queries = needs.kpi.map((q) => kpiQueryInput.parse(q));
      plans.push({ panel, needs, from: batch.length, to: batch.length + queries.length });
      batch.push(...queries);
    }
    const alertLimit = Math.max(0, ...plans.map((p) => p.needs.alerts?.limit ?? 0));
    const wantFreshness = plans.some((p) => p.needs.freshness);
    // A visitor zone never gets hall positions: its map keeps one dot per county (the panel catalog).
    const wantPositions = !visitor && plans.some((p) => p.needs.hallPositions);
    const [ctx, kpiRes, alerts, fresh, halls] = await Promise.all([
      kpi.context(now),
      batch.length ? this.runBatch(batch, plans, now, afterCommit) : null,
      alertLimit ? firingAlerts(this.rt, zone.orgCode, alertLimit) : null,
      wantFreshness ? sourceFreshness(this.rt.ch) : null,
      wantPositions ? this.hallPlaces() : null,
    ]);
    const positions = halls ? hallPositionsWithin(halls, zone.orgCode) : null;
    const asOf = new Date(now).toISOString();
    for (const plan of plans) {
      const { panel, needs } = plan;
      const data: PanelData = { kpi: [], dataAsOf: asOf, stale: false };
      if (needs.kpi.length && kpiRes) {
        const own = kpiRes.results.slice(plan.from, plan.to);
        if (own.some((r) => r === null)) {
          result[panel.id] = { kpi: [], dataAsOf: null, stale: false, refused: 'bad_params' };
          continue;
        }
        data.kpi = own as NonNullable<(typeof own)[number]>[];
        const families = new Set(needs.kpi.flatMap((q) => q.kpis).map((id) => KPI_BY_ID.get(id)?.family));
        const fams = kpiRes.freshness.filter((f) => families.has(f.family));
        data.dataAsOf = oldest(fams);
        data.stale = fams.some((f) => f.stale);
      }
      if (needs.alerts && alerts) {
        data.alertCounts = alerts.firingBySeverity;
        // A visitor zone learns how many alerts there are, never what they say.
        if (!visitor) {
          data.alerts = alerts.items.slice(0, needs.alerts.limit).map((a) => ({
            id: a.id,
            severity: a.severity,
            title: a.title,
            titleEn: a.titleEn,
            orgName: a.orgName,
            firedAt: a.firedAt,
            condition: a.condition,
            situationId: a.situationId,
          }));
        }
      }
      if (needs.hallPositions && positions && !visitor) data.hallPositions = positions;
      if (needs.freshness && fresh && !visitor) {
        data.freshness = fresh.map((f) => {
          const { lagSeconds, late } = sourceLateness(f.source, f.completeUpTo, now, this.rt.bootedAt);
          return {
            source: f.source,
            ok: !late,
            lagSeconds,
            lastSuccessAt: f.lastSuccessAt == null ? null : new Date(f.lastSuccessAt).toISOString(),
          };
        });
      }
      result[panel.id] = data;
    }
    const b = businessDate(ctx.cal, now);
    const day = businessDayOf(ctx.cal, now);
    return {
      asOf,
      layoutId,
      zoneId: zone.id,
      version,
      scene,
      businessDay: { date: ymd(b), from: new Date(day.from).toISOString(), to: new Date(day.to).toISOString() },
      refreshSec: zone.refreshSec,
      degraded: null,
      panels: result,
    };
  }

  /**
   * Every hall's place, read through a 5-minute cache. When they cannot be read: the last places read, else null
   * (the map then draws its halls per county) rather than the zone failing for want of an extra.
   */
  private async hallPlaces(): Promise<HallPlace[] | null> {
    if (!this.halls || Date.now() - this.halls.at >= HALL_POSITIONS_TTL_MS) {
      const value = hallDirectory(this.rt.ch);
      const entry = { at: Date.now(), value };
      this.halls = entry;
      value.catch(() => {
        if (this.halls === entry) this.halls = undefined;
      });
    }
    try {
      return (this.lastHalls = await this.halls.value);
    } catch (err) {
      console.error(`[wall] hall positions unavailable: ${err instanceof Error ? err.message : String(err)}`);
      return this.lastHalls;
    }
  }

  /**
   * The zone's one KPI batch. A question the KPI layer refuses (a panel's settings it cannot answer: an
   * `invalid` domain error, KpiQueryError) would sink the whole batch: then each panel is asked alone once, so
   * one bad panel is refused and the others show.
   */
  private async runBatch(batch: KpiQuery[], plans: { from: number; to: number }[], now: number, fresh: boolean) {
    const kpi = this.rt.kpi;
    // After a commit the KPI layer's few-second result cache may hold the answer from before it.
    const opts = fresh ? { cached: false } : {};
    try {
      return await kpi.query(batch, now, opts);
    } catch (err) {
      if (!(isDomainError(err) && err.kind === 'invalid')) throw err;
      const parts = await Promise.all(
        plans.map((p) => (p.to > p.from ? kpi.query(batch.slice(p.from, p.to), now, opts).catch(() => null) : null)),
      );
      const results: (Awaited<ReturnType<typeof kpi.query>>['results'][number] | null)[] = [];
      const freshness: Freshness[] = [];
      plans.forEach((p, i) => {
        const part = parts[i];
        for (let j = p.from; j < p.to; j++) results.push(part ? part.results[j - p.from]! : null);
        if (part) freshness.push(...part.freshness);
      });
      return { asOf: new Date(now).toISOString(), results, freshness };
    }
  }
}

/**
 * The zone's firing alerts as its panels show them: the most severe first (newest first within a severity),
 * at most `limit`, with the counts per severity. Not the newest `limit` of any severity: a burst of yellow
 * alerts must not push the red ones out of the 最高级别预警 banner or the alert list. One read per severity,
 * each at most `limit` rows.
 */
export async function firingAlerts(rt: Pick<ZoneDataRuntime, 'db'>, orgCode: string, limit: number) {
  const per = await Promise.all(SEVERITIES.map((s) => listAlerts(rt, { state: 'firing', orgCode, severities: [s], limit })));
  return { firingBySeverity: per[0]!.firingBySeverity, items: per.flatMap((p) => p.items).slice(0, limit) };
}

function oldest(fams: Freshness[]): string | null {
  if (!fams.length || fams.some((f) => f.dataAsOf === null)) return null;
  return fams.map((f) => f.dataAsOf!).sort()[0]!;
}
