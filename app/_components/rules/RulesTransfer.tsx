'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import styles from './rules.module.css';
import { errorMessage } from './trpc-errors';

/** JSON export (a download of `rules.export`) and import (a file sent to `rules.import`). */
export function RulesTransfer() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const importRules = useMutation(
    trpc.rules.import.mutationOptions({
      onSuccess: (r) => setMessage({ ok: true, text: t('rules.imported', r) }),
      onError: (e) => setMessage({ ok: false, text: t('rules.importError', { message: errorMessage(e) }) }),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.rules.pathKey() }),
    }),
  );

  const exportJson = async () => {
    const rules = await queryClient.fetchQuery({ ...trpc.rules.export.queryOptions(), staleTime: 0 });
    const blob = new Blob([JSON.stringify(rules, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `alert-rules-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const parsed: unknown = JSON.parse(await file.text());
      const rules = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown }).rules;
      if (!Array.isArray(rules)) throw new Error('JSON 须为规则数组 (expected an array of rules)');
      importRules.mutate({ rules });
    } catch (e) {
      setMessage({ ok: false, text: t('rules.importError', { message: (e as Error).message }) });
    } finally {
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  return (
    <div className={styles.transfer}>
      <button type="button" className={styles.button} onClick={() => void exportJson()} data-testid="rules-export">
        {t('rules.export')}
      </button>
      <button
        type="button"
        className={styles.button}
        onClick={() => fileRef.current?.click()}
        disabled={importRules.isPending}
        data-testid="rules-import"
      >
        {t('rules.import')}
      </button>
      <input
        ref={fileRef}
        type="file"
        accept="application/json,.json"
        hidden
        onChange={(e) => void onFile(e.target.files?.[0])}
        data-testid="rules-import-file"
      />
      {message ? (
        <span className={message.ok ? styles.saved : styles.fieldError} role="status" data-testid="rules-import-result">
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
