'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import { PageShell } from '../nav/PageShell';
import { orgNameOf, orgOptions, type OrgNode } from './org-options';
import { RuleEditor } from './RuleEditor';
import styles from './rules.module.css';
import { RulesTransfer } from './RulesTransfer';
import { RuleTable } from './RuleTable';
import { errorMessage } from './trpc-errors';

/** 预警规则: the rules with their state, and the editor beside them for the one being created or edited. */
export function RulesAdmin({ province, cities }: { province: { code: string; name: string }; cities: OrgNode[] }) {
  const t = useT();
  const trpc = useTRPC();
  const rules = useQuery({ ...trpc.rules.list.queryOptions(), refetchInterval: 15_000 });
  const defs = useQuery({ ...trpc.kpi.definitions.queryOptions(), staleTime: Infinity });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const orgs = useMemo(() => orgOptions(province, cities), [province, cities]);
  const orgName = useMemo(() => orgNameOf(orgs), [orgs]);
  const list = rules.data ?? [];
  const rule = editing && editing !== 'new' ? (list.find((r) => r.id === editing) ?? null) : null;
  const on = list.filter((r) => r.enabled).length;
  const firing = list.filter((r) => r.state === 'firing').length;

  return (
    <PageShell title={t('rules.title')} testId="rules-admin">
      <div className={styles.toolbar}>
        <button type="button" className={`${styles.button} ${styles.primary}`} onClick={() => setEditing('new')} data-testid="rule-new">
          + {t('rules.new')}
        </button>
        <RulesTransfer />
        <span className={styles.summary}>{rules.data ? t('rules.summary', { n: list.length, on, firing }) : null}</span>
      </div>
      <div className={editing ? styles.split : undefined}>
        <div className={styles.listPane}>
          {rules.isError && !rules.data ? (
            <p className={styles.fieldError}>{t('rules.loadError', { message: errorMessage(rules.error) })}</p>
          ) : !rules.data ? (
            <p className={styles.fieldHint}>{t('common.loading')}</p>
          ) : (
            <RuleTable rules={list} selectedId={rule?.id ?? null} onEdit={setEditing} orgName={orgName} compact={editing !== null} />
          )}
        </div>
        {editing && defs.data && (editing === 'new' || rule) ? (
          <RuleEditor
            key={editing}
            rule={rule}
            defs={defs.data}
            orgs={orgs}
            onClose={() => setEditing(null)}
            onSaved={(id) => setEditing(id)}
          />
        ) : null}
      </div>
    </PageShell>
  );
}
