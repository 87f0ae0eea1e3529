'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useT } from '../../_i18n/LocaleProvider';
import { LocaleSwitch } from '../../_i18n/LocaleSwitch';
import { signInError } from './sign-in-errors';
import styles from './auth.module.css';

/** User name and password against better-auth (/api/auth/sign-in/username), or single sign-on. */
export function SignInForm({ next, sso }: { next: string; sso: { name: string } | null }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/auth/sign-in/username', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: String(form.get('username') ?? '').trim(), password: String(form.get('password') ?? '') }),
      });
      if (res.ok) {
        window.location.href = next;
        return;
      }
      const body = (await res.json().catch(() => null)) as { message?: string } | null;
      const err = signInError(res.status, body?.message);
      setError(t(err.key, err.message ? { message: err.message } : undefined));
    } catch (err) {
      setError(t('signin.error', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  async function singleSignOn() {
    const res = await fetch('/api/auth/sign-in/oauth2', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ providerId: 'sso', callbackURL: next }),
    });
    const body = (await res.json().catch(() => null)) as { url?: string; message?: string } | null;
    if (res.ok && body?.url) window.location.href = body.url;
    else setError(t('signin.error', { message: body?.message ?? `HTTP ${res.status}` }));
  }

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={submit} data-testid="sign-in-form" aria-labelledby="sign-in-title">
        <div className={styles.top}>
          <h1 id="sign-in-title" className={styles.title}>
            {t('app.title')}
          </h1>
          <LocaleSwitch />
        </div>
        <h2 className={styles.subtitle}>{t('signin.title')}</h2>
        <label className={styles.field}>
          <span>{t('signin.username')}</span>
          <input name="username" autoComplete="username" required autoFocus data-testid="sign-in-username" />
        </label>
        <label className={styles.field}>
          <span>{t('signin.password')}</span>
          <input name="password" type="password" autoComplete="current-password" required data-testid="sign-in-password" />
        </label>
        {error && (
          <p className={styles.error} role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" className={styles.primary} disabled={busy} data-testid="sign-in-submit">
          {busy ? t('signin.submitting') : t('signin.submit')}
        </button>
        {sso && (
          <button type="button" className={styles.secondary} onClick={() => void singleSignOn()} data-testid="sign-in-sso">
            {t('signin.sso', { name: sso.name })}
          </button>
        )}
        <p className={styles.hint}>{t('signin.firstTime')}</p>
        {next.startsWith('/wall/') && (
          <p className={styles.hint}>
            <Link href="/wall/pair">{t('pair.title')}</Link>
          </p>
        )}
      </form>
    </main>
  );
}
