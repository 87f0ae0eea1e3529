'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { useMemo, useRef, useState } from 'react';
import { dimValueLabel } from '../desktop/labels';
import type { QueryTime } from '../desktop/url-state';
import { useTRPC } from '../../_trpc/client';
import { useLocale, useT } from '../../_i18n/LocaleProvider';
import { ExportMenu } from '../exports/ExportMenu';
import { recordHref } from './record-links';
import { countsAgree, formatCell, nextSort, orgCell, pageCount, type RecordColumn } from './records-format';
import styles from './records.module.css';

export const RECORDS_PAGE_SIZE = 100;
const ROW_HEIGHT = 34;

export interface RecordsRequest {
  kpi: string;
  orgCode: string;
  time: QueryTime;
  filters: Record<string, string[]>;
  part: 'numerator' | 'denominator';
  sort: { column: string; dir: 'asc' | 'desc' } | null;
  page: number;
}

export interface RecordsTableProps {
  familyId: string;
  title: string;
  /** What the records are of ("昆明市 · 本月"). */
  scope: string;
  request: RecordsRequest;
  /** The clicked figure's record count (`KpiPoint.count`); shown next to the table's total. */
  expected: number | null;
  parts: { numerator: string; denominator?: string };
  canReveal: boolean;
  onChange: (patch: Partial<Pick<RecordsRequest, 'part' | 'sort' | 'page'>>) => void;
  onClose: () => void;
}

type Row = Record<string, unknown>;

/**
 * The records behind a figure (`kpi.rows`): server-side paging and sort, the page's filters, personal columns
 * masked unless a role with pii.reveal asks; the total next to the clicked figure's count so a mismatch
 * shows; each row links to its record's page; times in Beijing time; rows virtualised.
 */
export function RecordsTable({ familyId, title, scope, request, expected, parts, canReveal, onChange, onClose }: RecordsTableProps) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const [reveal, setReveal] = useState(false);
  const input = {
    kpi: request.kpi,
    orgCode: request.orgCode,
    time: request.time,
    filters: request.filters,
    part: request.part,
    page: request.page,
    pageSize: RECORDS_PAGE_SIZE,
    ...(request.sort ? { sort: request.sort } : {}),
    reveal: canReveal && reveal,
  };
  const q = useQuery({ ...trpc.kpi.rows.queryOptions(input), placeholderData: keepPreviousData });
  const data = q.data;
  const columns: RecordColumn[] = useMemo(() => (data?.columns ?? []) as RecordColumn[], [data?.columns]);
  const masked = useMemo(() => columns.filter((c) => c.masked).map((c) => c.name), [columns]);
  const label = (l: { zh: string; en: string }) => (locale === 'zh-CN' ? l.zh : l.en);

  const defs = useMemo<ColumnDef<Row>[]>(
    () => [
      ...columns.map((c): ColumnDef<Row> => ({
        id: c.name,
        header: label(c.label),
        accessorFn: (r) => r[c.name],
        // Codes (category, outcome…) in words where the dictionaries know them; the rest as formatted.
        cell: (info) => {
          const v = info.getValue();
          const unit = orgCell(c.name, v);
          if (unit) return <span title={String(v)}>{unit}</span>;
          return c.type === 'string' && typeof v === 'string' && v !== '' && !c.masked
            ? dimValueLabel(t, c.name, v)
            : formatCell(v, c.type);
        },
        meta: c,
      })),
      {
        id: '__open',
        header: '',
        cell: (info) => {
          const href = recordHref(familyId, info.row.original, masked);
          return href ? (
            <Link href={href} className={styles.open} data-testid="records-row-link">
              {t('desk.detail.open')}
            </Link>
          ) : null;
        },
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- label depends on locale only
    [columns, familyId, masked, locale, t],
  );

  const table = useReactTable({
    data: (data?.rows ?? []) as Row[],
    columns: defs,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
  });

  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtual.getTotalSize() - items[items.length - 1]!.end : 0;

  const total = data?.total ?? null;
  const pages = pageCount(total ?? 0, RECORDS_PAGE_SIZE);
  const agree = request.part === 'numerator' ? countsAgree(total, expected) : null;

  return (
    <section
      className={styles.panel}
      data-testid="records-table"
      data-kpi={request.kpi}
      data-total={total ?? undefined}
      data-expected={expected ?? undefined}
      aria-label={title}
    >
      <header className={styles.head}>
        <div className={styles.titleBlock}>
          <h2 className={styles.title}>{title}</h2>
          <span className={styles.scope}>{scope}</span>
        </div>
        <div className={styles.counts}>
          <span data-testid="records-total">
            {total === null ? t('desk.loading') : t('desk.detail.total', { total: total.toLocaleString('en-US') })}
          </span>
          {request.part === 'numerator' && expected !== null ? (
            <span data-testid="records-expected" data-count={expected}>
              {t('desk.detail.expected', { count: expected.toLocaleString('en-US') })}
            </span>
          ) : null}
          {agree !== null ? (
            <span className={styles.agree} data-agree={agree} data-testid="records-agree">
              {agree ? t('desk.detail.match') : t('desk.detail.mismatch')}
            </span>
          ) : null}
        </div>
        <div className={styles.tools}>
          {parts.denominator ? (
            <label className={styles.field}>
              <span>{t('desk.detail.part')}</span>
              <select
                data-testid="records-part"
                value={request.part}
                onChange={(e) => onChange({ part: e.target.value === 'denominator' ? 'denominator' : 'numerator', page: 1 })}
              >
                <option value="numerator">{parts.numerator}</option>
                <option value="denominator">{parts.denominator}</option>
              </select>
            </label>
          ) : null}
          {canReveal && columns.some((c) => c.personal) ? (
            <label className={styles.field}>
              <input type="checkbox" data-testid="records-reveal" checked={reveal} onChange={(e) => setReveal(e.target.checked)} />
              <span>{t('desk.detail.reveal')}</span>
            </label>
          ) : masked.length > 0 ? (
            <span className={styles.note}>{t('desk.detail.masked')}</span>
          ) : null}
          <ExportMenu
            request={{
              kind: 'kpi.rows',
              title,
              kpi: request.kpi,
              orgCode: request.orgCode,
              time: request.time,
              filters: request.filters,
              part: request.part,
              ...(request.sort ? { sort: request.sort } : {}),
            }}
          />
          <button type="button" className={styles.button} onClick={onClose} data-testid="records-close">
            {t('desk.detail.close')}
          </button>
        </div>
      </header>
      <div className={styles.scroll} ref={scrollRef} data-testid="records-scroll">
        <table className={styles.table}>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const col = h.column.columnDef.meta as RecordColumn | undefined;
                  const sorted = request.sort?.column === h.column.id ? request.sort.dir : null;
                  return (
                    <th key={h.id} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}>
                      {col ? (
                        <button
                          type="button"
                          className={styles.sortButton}
                          data-testid={`records-sort-${h.column.id}`}
                          title={t('desk.detail.sort', { col: String(h.column.columnDef.header) })}
                          onClick={() => onChange({ sort: nextSort(request.sort, h.column.id), page: 1 })}
                        >
                          {flexRender(h.column.columnDef.header, h.getContext())}
                          <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                        </button>
                      ) : null}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 ? (
              <tr style={{ height: padTop }}>
                <td colSpan={defs.length} />
              </tr>
            ) : null}
            {items.map((vi) => {
              const row = rows[vi.index]!;
              return (
                <tr key={row.id} style={{ height: ROW_HEIGHT }} data-testid="records-row">
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 ? (
              <tr style={{ height: padBottom }}>
                <td colSpan={defs.length} />
              </tr>
            ) : null}
            {data && rows.length === 0 ? (
              <tr>
                <td colSpan={defs.length} className={styles.empty}>
                  {t('desk.detail.empty')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <footer className={styles.foot}>
        <span className={styles.note}>{t('desk.detail.times')}</span>
        <div className={styles.pager}>
          <button
            type="button"
            className={styles.button}
            data-testid="records-prev"
            disabled={request.page <= 1}
            onClick={() => onChange({ page: request.page - 1 })}
          >
            {t('desk.detail.prev')}
          </button>
          <span data-testid="records-page">{t('desk.detail.page', { page: request.page, pages })}</span>
          <button
            type="button"
            className={styles.button}
            data-testid="records-next"
            disabled={request.page >= pages}
            onClick={() => onChange({ page: request.page + 1 })}
          >
            {t('desk.detail.next')}
          </button>
        </div>
      </footer>
    </section>
  );
}
