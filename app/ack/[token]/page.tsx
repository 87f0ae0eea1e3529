import type { Metadata } from 'next';
import { getLocale } from '@/app/_i18n/server';
import { readAckLink } from '@/server/duty/ack';
import { getRuntime } from '@/server/runtime';
import styles from './ack.module.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: '确认预警 · 营销智能监控指挥中心', robots: { index: false } };

const SEVERITY = { red: ['红色', 'Red'], orange: ['橙色', 'Orange'], yellow: ['黄色', 'Yellow'], blue: ['蓝色', 'Blue'] } as const;
const REASON = {
  malformed: ['链接不完整', 'This link is incomplete'],
  bad_signature: ['链接无效', 'This link is not valid'],
  expired: ['链接已过期，请登录值班台处理', 'This link has expired; use the duty desk'],
  unknown: ['找不到这条消息', 'This message is not known'],
} as const;

const beijing = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

/**
 * /ack/<token> — the page a duty message's link opens on a phone: the alerts it names and one button to
 * acknowledge them. Opening it changes nothing (link previews fetch it); the button posts to
 * /api/duty/ack/<token>. No desktop session needed: the signed, expiring token is the credential.
 */
export default async function AckPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { token } = await params;
  const done = (await searchParams).done;
  const zh = (await getLocale()) === 'zh-CN';
  const t = (pair: readonly [string, string]) => (zh ? pair[0] : pair[1]);
  const rt = await getRuntime();
  const view = await readAckLink(rt.db, rt.duty.linkSecret, token, Date.now());
  if (!view.ok)
    return (
      <main className={styles.page}>
        <h1 className={styles.title}>{t(REASON[view.reason])}</h1>
      </main>
    );
  const open = view.alerts.filter((a) => a.phase === 'raised').length;
  return (
    <main className={styles.page}>
      <h1 className={styles.title}>{view.title}</h1>
      <p className={styles.who}>
        {t(['接收人', 'For'])}: {view.claim.u}
      </p>
      {typeof done === 'string' && /^\d+$/.test(done) && (
        <p className={styles.done} role="status">
          {zh ? `已确认 ${done} 条预警` : `${done} alert(s) acknowledged`}
        </p>
      )}
      <ul className={styles.list}>
        {view.alerts.map((a) => (
          <li key={a.id} className={styles.item} data-severity={a.severity}>
            <span className={styles.sev}>{t(SEVERITY[a.severity as keyof typeof SEVERITY] ?? ['', ''])}</span>
            <span className={styles.time}>{beijing(a.firedAt)}</span>
            <span className={styles.alertTitle}>{a.title}</span>
            <span className={styles.phase} data-testid="ack-phase">
              {zh ? a.phaseLabel.zh : a.phaseLabel.en}
              {a.owner ? ` · ${a.owner}` : ''}
            </span>
          </li>
        ))}
      </ul>
      {open > 0 ? (
        <form method="post" action={`/api/duty/ack/${encodeURIComponent(token)}`}>
          <button type="submit" className={styles.button}>
            {zh ? `确认 ${open} 条预警，由我处理` : `Acknowledge ${open} alert(s): I am on it`}
          </button>
        </form>
      ) : (
        <p className={styles.none}>{t(['这些预警都已有人确认或已恢复', 'Every alert here is already acknowledged or recovered'])}</p>
      )}
    </main>
  );
}
