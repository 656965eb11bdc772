import { renderCsv } from '../../../src/audit/render-csv.js';
import { type MouseEvent, useState } from 'react';
import { api } from '../api.js';
import { formatFen, shanghaiTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { Empty, hasRecords, Loaded, NoData } from '../states.js';
import type { AuditReport, Finding, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

type SortKey = 'time' | 'kind' | 'amount' | 'loss';

/** Rows per page: a merchant with a silent rate change can have tens of thousands of findings. */
export const FINDINGS_PAGE_SIZE = 100;

function sortValue(f: Finding, key: SortKey): string | number {
  if (key === 'kind') return f.kind;
  if (key === 'amount') return f.amountFen ?? 0;
  if (key === 'loss') return f.lossFen;
  return f.time ?? f.settleDate ?? '';
}

/**
 * The findings shown as the CSV the API writes (the same writer, src/audit/render-csv.ts), saved from the page:
 * the API exports every finding, and a merchant who filtered to one kind or one terminal wants those.
 */
function saveShownCsv(report: AuditReport, shown: Finding[], merchantId: number, lang: 'zh' | 'en'): void {
  const csv = renderCsv({ ...report, findings: shown }, { lang });
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `posguard-findings-${merchantId}-filtered.csv`;
  link.click();
  // The download has its own copy by the time the click returns; the URL only holds the memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The exports of a merchant's audit, as download links (the session cookie goes along). With `filtered`, the CSV is
 * of those findings only (the table's filter and search), not of all.
 */
export function ExportLinks(props: {
  merchantId: number;
  filtered?: { report: AuditReport; findings: Finding[] } | undefined;
}) {
  const { t, lang } = useI18n();
  const base = `/api/v1/merchants/${props.merchantId}`;
  const filtered = props.filtered;
  const onCsv = (e: MouseEvent<HTMLAnchorElement>) => {
    if (filtered === undefined) return;
    e.preventDefault();
    saveShownCsv(filtered.report, filtered.findings, props.merchantId, lang);
  };
  const [open, close] = lang === 'en' ? [' (', ')'] : ['（', '）'];
  return (
    <span className="exports">
      <a
        className="button"
        href={`${base}/findings.csv?lang=${lang}`}
        download
        data-testid="export-csv"
        onClick={onCsv}
      >
        {t('exportCsv')}
        {filtered === undefined ? '' : `${open}${filtered.findings.length} ${t('findingsUnit')}${close}`}
      </a>
      <a className="button" href={`${base}/report.html?lang=${lang}`} target="_blank" rel="noreferrer">
        {t('htmlReport')}
      </a>
      <a className="button" href={`${base}/evidence.zip?lang=${lang}`} download data-testid="evidence-pack">
        {t('evidencePack')}
      </a>
    </span>
  );
}

/** "2026-11-04 13:09" that breaks, on a phone, between the date and the time and nowhere else. */
function WhenCell(props: { time: string | undefined; settleDate: string | undefined }) {
  const [date = '', clock] = (shanghaiTime(props.time) || props.settleDate || '').split(' ');
  return (
    <>
      <span className="nowrap">{date}</span>
      {clock === undefined ? null : (
        <>
          {' '}
          <span className="nowrap">{clock}</span>
        </>
      )}
    </>
  );
}

/** All findings: filter by kind, search, sort by a column; a row opens its detail. */
export function FindingsPage(props: { merchant: Merchant }) {
  const { t, kindName, lang } = useI18n();
  const id = props.merchant.id;
  const [audit, reload] = useLoad(`audit-${id}-${lang}`, () =>
    api<AuditReport>(`/api/v1/merchants/${id}/audit?lang=${lang}`),
  );
  const [kind, setKind] = useState(() => new URLSearchParams(location.search).get('kind') ?? '');
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'loss', desc: true });
  // Back to the first page whenever the filter, the search or the order changes.
  const [page, goTo] = useState(0);
  const header = (key: SortKey, label: string, numeric = false) => (
    <th
      className={numeric ? 'num' : undefined}
      aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        className="sort"
        onClick={() => {
          setSort({ key, desc: sort.key === key ? !sort.desc : true });
          goTo(0);
        }}
      >
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  return (
    <Loaded load={audit} reload={reload}>
      {(report) => {
        if (!hasRecords(report)) return <NoData merchantId={id} />;
        const q = query.trim().toLowerCase();
        const rows = report.findings
          .filter((f) => kind === '' || f.kind === kind)
          .filter(
            (f) =>
              q === '' ||
              [f.refNo, f.orderNo, f.terminalId, f.message, f.messageEn, ...f.source.map((s) => s.file)]
                .filter((v) => v !== undefined)
                .some((v) => v.toLowerCase().includes(q)),
          )
          .sort((a, b) => {
            const x = sortValue(a, sort.key);
            const y = sortValue(b, sort.key);
            const order = x < y ? -1 : x > y ? 1 : 0;
            return sort.desc ? -order : order;
          });
        const kinds = Object.entries(report.summary.findingsByKind).filter(([, n]) => n > 0);
        const filtering = kind !== '' || q !== '';
        const pages = Math.max(1, Math.ceil(rows.length / FINDINGS_PAGE_SIZE));
        const current = Math.min(page, pages - 1);
        const shown = rows.slice(current * FINDINGS_PAGE_SIZE, (current + 1) * FINDINGS_PAGE_SIZE);
        return (
          <div>
            <div className="toolbar">
              <select
                aria-label={t('kind')}
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value);
                  goTo(0);
                }}
                data-testid="kind-filter"
              >
                <option value="">{t('allKinds')}</option>
                {kinds.map(([k, n]) => (
                  <option key={k} value={k}>
                    {kindName(k)} ({n})
                  </option>
                ))}
              </select>
              <input
                type="search"
                placeholder={t('search')}
                value={query}
                onChange={(e) => {
                  setQuery(e.target.value);
                  goTo(0);
                }}
                aria-label={t('search')}
              />
              <ExportLinks merchantId={id} filtered={filtering ? { report, findings: rows } : undefined} />
            </div>
            {report.findings.length === 0 ? (
              <Empty>
                <p>{t('noFindings')}</p>
              </Empty>
            ) : rows.length === 0 ? (
              <Empty>
                <p data-testid="no-match">{t('noMatch')}</p>
                <button
                  type="button"
                  onClick={() => {
                    setKind('');
                    setQuery('');
                    goTo(0);
                  }}
                >
                  {t('clearFilter')}
                </button>
              </Empty>
            ) : (
              <div className="table-wrap">
                <table className="findings" data-testid="findings-table">
                  <thead>
                    <tr>
                      {header('kind', t('kind'))}
                      {header('time', t('time'))}
                      <th>{t('refNo')}</th>
                      {header('amount', t('amount'), true)}
                      {header('loss', t('loss'), true)}
                      <th className="wide">{t('message')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((f) => (
                      <tr
                        key={f.id}
                        className="clickable"
                        data-finding-id={f.id}
                        tabIndex={0}
                        onClick={() => navigate(`/m/${id}/findings/${encodeURIComponent(f.id)}`)}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') navigate(`/m/${id}/findings/${encodeURIComponent(f.id)}`);
                        }}
                      >
                        <td className="kind">{kindName(f.kind)}</td>
                        <td className="when">
                          <WhenCell time={f.time} settleDate={f.settleDate} />
                        </td>
                        <td>{f.refNo ?? f.orderNo ?? ''}</td>
                        <td className="num">{f.amountFen === undefined ? '' : formatFen(f.amountFen)}</td>
                        <td className="num loss">{formatFen(f.lossFen)}</td>
                        <td className="wide">{lang === 'en' ? f.messageEn : f.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {pages === 1 ? null : (
                  <nav className="pager" data-testid="findings-pager">
                    <button type="button" disabled={current === 0} onClick={() => goTo(current - 1)}>
                      {t('previousPage')}
                    </button>
                    <span data-testid="findings-page">
                      {lang === 'en'
                        ? `${t('pageWord')} ${current + 1} ${t('pageOf')} ${pages} · ${rows.length} ${t('findingsUnit')}`
                        : `${t('pageWord')} ${current + 1} / ${pages} ${t('pageOf')} ${rows.length} ${t('findingsUnit')}`}
                    </span>
                    <button type="button" disabled={current >= pages - 1} onClick={() => goTo(current + 1)}>
                      {t('nextPage')}
                    </button>
                  </nav>
                )}
              </div>
            )}
          </div>
        );
      }}
    </Loaded>
  );
}
