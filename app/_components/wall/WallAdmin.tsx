'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { DISPLAY_TIME_ZONE } from '../../_i18n/format';
import { useLocale } from '../../_i18n/LocaleProvider';
import { PageShell } from '../nav/PageShell';
import { wallT } from './wall-text';
import styles from './admin.module.css';

const STAMP = new Intl.DateTimeFormat('zh-CN', { timeZone: DISPLAY_TIME_ZONE, dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' });

interface Issue {
  path: string;
  message: string;
}

interface LayoutShape {
  id?: string;
  canvas?: { width?: number; height?: number };
  zones?: {
    id?: string;
    kind?: string;
    name?: { zh?: string; en?: string };
    rect?: Record<string, number>;
    panels?: { id?: string; type?: string }[];
    scenes?: { id?: string; panels?: unknown[] }[];
  }[];
}

/**
 * /admin/walls: the layouts as JSON (canvas, zones, panels, scenes), checked on the server against the schema
 * and the panel catalog before saving; every save is a new version (guarded against a concurrent save) and in
 * the audit log. A zone and panel summary follows the text as it is typed.
 */
export function WallAdmin() {
  const locale = useLocale();
  const t = useMemo(() => wallT(locale), [locale]);
  const trpc = useTRPC();
  const qc = useQueryClient();
  const layouts = useQuery(trpc.wall.layouts.queryOptions());
  const [selected, setSelected] = useState<string | null>(null);
  const id = selected ?? layouts.data?.[0]?.id ?? null;
  const layout = useQuery({ ...trpc.wall.layout.queryOptions({ layoutId: id ?? 'demo' }), enabled: !!id, staleTime: Infinity });
  const history = useQuery({ ...trpc.wall.history.queryOptions({ layoutId: id ?? 'demo' }), enabled: !!id });
  const [text, setText] = useState('');
  const [isNew, setIsNew] = useState(false);
  const [note, setNote] = useState('');
  const [issues, setIssues] = useState<Issue[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (layout.data) {
      setText(JSON.stringify(layout.data.layout, null, 2));
      setIsNew(false);
      setIssues(null);
    }
  }, [layout.data]);

  const parsed = useMemo((): { value: LayoutShape | null; error: string | null } => {
    try {
      return { value: JSON.parse(text) as LayoutShape, error: null };
    } catch (e) {
      return { value: null, error: e instanceof Error ? e.message : String(e) };
    }
  }, [text]);

  const check = useMutation({
    ...trpc.wall.checkLayout.mutationOptions(),
    onSuccess: (r) => {
      setIssues(r.issues);
      setMessage(r.ok ? t('valid') : null);
    },
  });
  const save = useMutation({
    ...trpc.wall.saveLayout.mutationOptions(),
    onSuccess: (r) => {
      setMessage(t('saved', { v: r.version }));
      setIssues([]);
      setNote('');
      setSelected(r.id);
      void qc.invalidateQueries({ queryKey: trpc.wall.layouts.queryKey() });
      void qc.invalidateQueries({ queryKey: trpc.wall.layout.queryKey({ layoutId: r.id }) });
      void qc.invalidateQueries({ queryKey: trpc.wall.history.queryKey({ layoutId: r.id }) });
    },
    onError: (e) => {
      setMessage(null);
      setIssues(e.message.split('; ').map((m) => ({ path: '', message: m })));
    },
  });

  const name = (n?: { zh?: string; en?: string }) => (locale === 'en' ? n?.en : n?.zh) ?? '';
  return (
    <PageShell title={t('admin')} testId="wall-admin">
      <p className={styles.hint}>{t('adminHint')}</p>
      <div className={styles.layout}>
        <aside className={styles.list}>
          {(layouts.data ?? []).map((l) => (
            <button
              key={l.id}
              type="button"
              className={styles.item}
              aria-pressed={l.id === id && !isNew}
              onClick={() => {
                setSelected(l.id);
                setMessage(null);
                if (l.id === id && layout.data) setText(JSON.stringify(layout.data.layout, null, 2));
              }}
              data-testid={`layout-${l.id}`}
            >
              <strong>{name(l.name)}</strong>
              <span className={styles.muted}>
                {l.id} · {l.canvas ? `${l.canvas.width}×${l.canvas.height}` : '—'} · {t('version', { v: l.version })}
              </span>
              <span className={styles.links}>
                <Link href={`/wall/${l.id}`} target="_blank">
                  {t('openWall')}
                </Link>
                <Link href={`/wall/${l.id}/control`} target="_blank">
                  {t('console')}
                </Link>
              </span>
            </button>
          ))}
        </aside>
        <section className={styles.editor}>
          <div className={styles.toolbar}>
            <strong>
              {isNew ? t('newLayout') : id} {!isNew && layout.data ? `· ${t('version', { v: layout.data.version })}` : ''}
            </strong>
            <button
              type="button"
              className={styles.button}
              onClick={() => {
                if (!parsed.value) return;
                setText(JSON.stringify({ ...parsed.value, id: `${parsed.value.id ?? 'layout'}-copy` }, null, 2));
                setIsNew(true);
                setIssues(null);
                setMessage(null);
              }}
            >
              {t('newLayout')}
            </button>
          </div>
          <textarea
            className={styles.json}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            aria-label="layout JSON"
            data-testid="layout-json"
          />
          {parsed.error ? <p className={styles.error}>{t('invalidJson', { msg: parsed.error })}</p> : null}
          <div className={styles.toolbar}>
            <input className={styles.note} placeholder={t('note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} />
            <button
              type="button"
              className={styles.button}
              disabled={!parsed.value || check.isPending}
              onClick={() => check.mutate({ spec: parsed.value })}
              data-testid="layout-check"
            >
              {t('check')}
            </button>
            <button
              type="button"
              className={styles.primary}
              disabled={!parsed.value || save.isPending}
              onClick={() =>
                save.mutate({ spec: parsed.value, expectedVersion: isNew ? null : (layout.data?.version ?? null), note: note || undefined })
              }
              data-testid="layout-save"
            >
              {t('save')}
            </button>
          </div>
          {message ? (
            <p className={styles.ok} role="status">
              {message}
            </p>
          ) : null}
          {issues && issues.length ? (
            <ul className={styles.issues} data-testid="layout-issues">
              {issues.map((i, k) => (
                <li key={k}>
                  {i.path ? <code>{i.path}</code> : null} {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        <aside className={styles.summary}>
          <h3>
            {t('canvas')} {parsed.value?.canvas ? `${parsed.value.canvas.width}×${parsed.value.canvas.height}` : '—'}
          </h3>
          <h3>{t('zones')}</h3>
          <ol className={styles.zones}>
            {(parsed.value?.zones ?? []).map((z, i) => (
              <li key={i}>
                <strong>{name(z.name) || z.id}</strong>{' '}
                <span className={styles.muted}>
                  {z.kind} · {z.rect ? `${z.rect.x},${z.rect.y} ${z.rect.w}×${z.rect.h}` : ''}
                </span>
                <div className={styles.muted}>
                  {t('panels')}: {(z.panels ?? []).map((p) => `${p.id}(${p.type})`).join('、')}
                </div>
                {z.scenes?.length ? (
                  <div className={styles.muted}>
                    {t('scene')}: {z.scenes.map((s) => s.id).join('、')}
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
          <h3>{t('history')}</h3>
          <ol className={styles.zones}>
            {(history.data ?? []).map((h, i) => (
              <li key={i} className={styles.muted}>
                v{h.version ?? '?'} · {h.actor} · {STAMP.format(new Date(h.at))}
                {h.note ? ` · ${h.note}` : ''}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </PageShell>
  );
}
