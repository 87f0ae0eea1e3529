'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../../_i18n/LocaleProvider';
import { errorMessage } from '../../rules/trpc-errors';
import styles from '../admin.module.css';
import { Field, Notice } from '../controls';
import d from './duty.module.css';
import { QUIET_CHANNEL_KINDS, formToNoise, noiseToForm, type NoiseForm, type QuietForm } from './duty-values';
import { SEVERITIES, type Severity } from './policy-form';

/** 降噪设置: grouping, repeats, quiet hours per severity and the outage inhibition (one document). */
export function NoiseTab({ canEdit }: { canEdit: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const settings = useQuery(trpc.duty.settings.get.queryOptions());
  if (settings.isError && !settings.data)
    return (
      <p className={styles.error} role="alert">
        {t('admin.loadError', { message: errorMessage(settings.error) })}
      </p>
    );
  if (!settings.data) return <p className={styles.muted}>{t('common.loading')}</p>;
  // Keyed by content: a background refetch of the same settings keeps the edits in progress.
  return <NoiseEditor key={JSON.stringify(settings.data)} initial={noiseToForm(settings.data)} canEdit={canEdit} />;
}

function NoiseEditor({ initial, canEdit }: { initial: NoiseForm; canEdit: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [f, setF] = useState<NoiseForm>(initial);
  const [tried, setTried] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const save = useMutation(trpc.duty.settings.save.mutationOptions());
  const checked = formToNoise(f);
  const problems = checked.ok ? [] : checked.problems;
  const bad = (k: string) => tried && problems.includes(k);
  const setQuiet = (sev: Severity, patch: Partial<QuietForm>) =>
    setF((x) => ({ ...x, quiet: { ...x.quiet, [sev]: { ...x.quiet[sev], ...patch } } }));
  const num = (key: 'groupWaitSec' | 'groupIntervalSec' | 'repeatIntervalSec', hint?: string) => (
    <Field label={t(`noise.${key}`)} hint={hint} error={bad(key) ? t('noise.err', { message: key }) : null}>
      <input
        className={`${styles.input} ${d.narrow}`}
        inputMode="numeric"
        value={f[key]}
        disabled={!canEdit}
        aria-invalid={bad(key) || undefined}
        onChange={(e) => setF((x) => ({ ...x, [key]: e.target.value }))}
        data-testid={`noise-${key}`}
      />
    </Field>
  );

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        setNotice(null);
        if (!checked.ok) return;
        save.mutate(checked.value, {
          onSuccess: () => {
            setNotice({ ok: true, text: t('dutyAdmin.saved') });
            void qc.invalidateQueries({ queryKey: trpc.duty.settings.get.queryKey() });
          },
          onError: (err) => setNotice({ ok: false, text: t('dutyAdmin.saveError', { message: errorMessage(err) }) }),
        });
      }}
      noValidate
      data-testid="duty-noise"
    >
      <Notice notice={notice} testId="noise-notice" />
      {tried && problems.length ? (
        <p className={styles.error} role="alert">
          {t('noise.err', { message: problems.join(', ') })}
        </p>
      ) : null}
      <section className={styles.panel}>
        <h2>{t('noise.grouping')}</h2>
        <div className={styles.form}>
          {num('groupWaitSec', t('noise.groupWaitHint'))}
          {num('groupIntervalSec')}
          {num('repeatIntervalSec')}
        </div>
      </section>
      <section className={styles.panel}>
        <h2>{t('noise.quietHours')}</h2>
        <p className={styles.muted}>{t('noise.quietHint')}</p>
        {SEVERITIES.map((sev) => {
          const q = f.quiet[sev];
          return (
            <div key={sev} className={d.line} style={{ marginBottom: 10 }} data-testid={`noise-quiet-${sev}`}>
              <label className={d.check} style={{ minWidth: 200 }}>
                <input
                  type="checkbox"
                  checked={q.on}
                  disabled={!canEdit}
                  onChange={(e) => setQuiet(sev, { on: e.target.checked })}
                  data-testid={`noise-quiet-${sev}-on`}
                />
                {t('noise.quietOn', { severity: t(`severity.${sev}`) })}
              </label>
              <label className={d.line} style={{ margin: 0 }}>
                {t('noise.from')}
                <input
                  type="time"
                  className={styles.input}
                  value={q.from}
                  disabled={!canEdit || !q.on}
                  aria-invalid={bad(`quietHours.${sev}`) || undefined}
                  onChange={(e) => setQuiet(sev, { from: e.target.value })}
                />
              </label>
              <label className={d.line} style={{ margin: 0 }}>
                {t('noise.to')}
                <input
                  type="time"
                  className={styles.input}
                  value={q.to}
                  disabled={!canEdit || !q.on}
                  aria-invalid={bad(`quietHours.${sev}`) || undefined}
                  onChange={(e) => setQuiet(sev, { to: e.target.value })}
                />
              </label>
              <fieldset className={d.checks} disabled={!canEdit || !q.on}>
                <legend className={styles.muted}>{t('noise.channelKinds')}</legend>
                {QUIET_CHANNEL_KINDS.map((k) => (
                  <label key={k} className={d.check}>
                    <input
                      type="checkbox"
                      checked={q.channelKinds.includes(k)}
                      onChange={() =>
                        setQuiet(sev, {
                          channelKinds: q.channelKinds.includes(k) ? q.channelKinds.filter((x) => x !== k) : [...q.channelKinds, k],
                        })
                      }
                    />
                    {t(`channel.kind.${k}`)}
                  </label>
                ))}
              </fieldset>
            </div>
          );
        })}
      </section>
      <section className={styles.panel}>
        <label className={d.check}>
          <input
            type="checkbox"
            checked={f.inhibitBySituation}
            disabled={!canEdit}
            onChange={(e) => setF((x) => ({ ...x, inhibitBySituation: e.target.checked }))}
            data-testid="noise-inhibit"
          />
          {t('noise.inhibit')}
        </label>
      </section>
      {canEdit ? (
        <div className={styles.footer}>
          <button type="submit" className={`${styles.button} ${styles.primary}`} disabled={save.isPending} data-testid="noise-save">
            {t('admin.save')}
          </button>
        </div>
      ) : null}
    </form>
  );
}
