'use client';

import type { ExportRequestInput } from '@/server/exports/request';
import { useT } from '../../_i18n/LocaleProvider';

export interface ExportMenuProps {
  /** What to export: the records behind a figure or a view's figures (validated again on the server). */
  request: ExportRequestInput;
  className?: string;
}

/** 导出 Excel / CSV of a table or view: the server streams the file with its filters and export time in it. */
export function ExportMenu({ request, className }: ExportMenuProps) {
  const t = useT();
  const href = (format: 'xlsx' | 'csv') => `/api/export?format=${format}&q=${encodeURIComponent(JSON.stringify(request))}`;
  return (
    <span className={className} data-testid="export-menu">
      <a href={href('xlsx')} download data-testid="export-xlsx">
        {t('export.xlsx')}
      </a>{' '}
      <a href={href('csv')} download data-testid="export-csv">
        {t('export.csv')}
      </a>
    </span>
  );
}
