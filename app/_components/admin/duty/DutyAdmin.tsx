'use client';

import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { useT } from '../../../_i18n/LocaleProvider';
import { PageShell } from '../../nav/PageShell';
import styles from '../admin.module.css';
import type { OrgTree } from '../org-tree';
import { ChannelsTab } from './ChannelsTab';
import { DeliveriesTab } from './DeliveriesTab';
import d from './duty.module.css';
import { NoiseTab } from './NoiseTab';
import { PoliciesTab } from './PoliciesTab';
import { SilencesTab } from './SilencesTab';

const TABS = ['policies', 'channels', 'silences', 'noise', 'deliveries'] as const;
type Tab = (typeof TABS)[number];

export interface DutyAdminProps {
  tree: OrgTree;
  /** The administrator's org scope. */
  scope: string;
  /** duty.config: may change anything; without it the page only shows. */
  canEdit: boolean;
}

/** 值班通知配置: five tabs over the duty router's configuration and its delivery log. */
export function DutyAdmin(props: DutyAdminProps) {
  const t = useT();
  const id = useId();
  const [tab, setTab] = useState<Tab>('policies');
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.indexOf(tab);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (i + TABS.length - 1) % TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TABS.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    setTab(TABS[next]!);
    refs.current[TABS[next]!]?.focus();
  };
  return (
    <PageShell title={t('dutyAdmin.title')} testId="duty-admin">
      <p className={styles.intro}>{t('dutyAdmin.intro')}</p>
      {props.canEdit ? null : (
        <p className={styles.muted} data-testid="duty-admin-readonly">
          {t('dutyAdmin.readOnly')}
        </p>
      )}
      <div className={d.tabs} role="tablist" aria-label={t('dutyAdmin.tabs')} onKeyDown={onKey}>
        {TABS.map((k) => (
          <button
            key={k}
            ref={(el) => {
              refs.current[k] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${k}`}
            aria-selected={tab === k}
            aria-controls={`${id}-panel`}
            tabIndex={tab === k ? 0 : -1}
            className={d.tab}
            onClick={() => setTab(k)}
            data-testid={`duty-tab-${k}`}
          >
            {t(`dutyAdmin.tab.${k}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab}`}>
        {tab === 'policies' ? <PoliciesTab {...props} /> : null}
        {tab === 'channels' ? <ChannelsTab canEdit={props.canEdit} /> : null}
        {tab === 'silences' ? <SilencesTab {...props} /> : null}
        {tab === 'noise' ? <NoiseTab canEdit={props.canEdit} /> : null}
        {tab === 'deliveries' ? <DeliveriesTab /> : null}
      </div>
    </PageShell>
  );
}
