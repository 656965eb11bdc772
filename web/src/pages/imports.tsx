import { useState } from 'react';
import { api } from '../api.js';
import { fillIn, shanghaiTime } from '../format.js';
import { PRESET_NAMES, useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { Loaded } from '../states.js';
import type { Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

/** Record kinds as the upload form names them. */
export const KIND_WORDS: Record<string, readonly [string, string]> = {
  terminal: ['终端流水', 'terminal journal'],
  settlement: ['结算单', 'settlement statement'],
  bank: ['银行到账', 'bank credits'],
};

/** An import as GET /api/v1/merchants/{id} lists it. */
interface ImportRow {
  id: number;
  file: string;
  kind: string;
  preset: string;
  rows: number;
  stored: number;
  rejected: number;
  createdAt: string;
  /** Lines of the upload naming a merchant number the uploader has no shop for: not stored anywhere. */
  setAside?: SetAside;
}

/** An import's lines set aside as another merchant number's; `merchants` only for the file's uploader. */
interface SetAside {
  records: number;
  merchants?: { merchantId: string; records: number }[];
  message: string;
  messageEn: string;
}

/** How many merchant numbers a row of the list names one by one (the rest are counted). */
const NAMED_NUMBERS = 5;

/** What DELETE /api/v1/merchants/{id}/imports/{importId} answers. */
interface DeletedImport {
  importId: number;
  file: string;
  removed: { records: number; keptFiles: number; alerts: number };
  keptPushedRecords: number;
  laterOverlaps: { importId: number; file: string; alreadyStored: number }[];
}

/**
 * The merchant's imported files, each deletable (after a confirmation) by its owner or agent: a wrong file, another
 * shop's, a test export. `refreshKey` reloads the list (a new upload); `onDeleted` lets the page reload what the
 * records fed (the audit).
 */
export function ImportsCard(props: { merchant: Merchant; refreshKey?: number; onDeleted?: () => void }) {
  const { t, lang, named } = useI18n();
  const id = props.merchant.id;
  const [list, reload] = useLoad(`imports-${id}-${props.refreshKey ?? 0}`, () =>
    api<{ imports: ImportRow[] }>(`/api/v1/merchants/${id}`),
  );
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleted, setDeleted] = useState<DeletedImport | null>(null);
  const [problem, setProblem] = useState('');
  const canDelete = props.merchant.role !== 'staff';
  const kindWord = (k: string) => KIND_WORDS[k]?.[lang === 'en' ? 1 : 0] ?? k;
  const [colon, comma, open, close] = lang === 'en' ? [': ', ', ', ' (', ')'] : ['：', '，', '（', '）'];

  const remove = async (importId: number) => {
    setBusy(true);
    setProblem('');
    try {
      const answer = await api<DeletedImport>(`/api/v1/merchants/${id}/imports/${importId}`, {
        method: 'DELETE',
      });
      setDeleted(answer);
      setConfirming(null);
      reload();
      props.onDeleted?.();
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" data-testid="imports">
      <h3>{t('importsTitle')}</h3>
      {deleted === null ? null : (
        <div className="ok" role="status" data-testid="import-deleted">
          <p>
            {t('importDeleted')} {deleted.file}
            {colon}
            {[
              `${deleted.removed.records} ${t('removedRecords')}`,
              ...(deleted.removed.alerts === 0 ? [] : [`${deleted.removed.alerts} ${t('removedAlerts')}`]),
              ...(deleted.keptPushedRecords === 0 ? [] : [`${deleted.keptPushedRecords} ${t('keptPushed')}`]),
            ].join(comma)}
          </p>
          {deleted.laterOverlaps.length === 0 ? null : (
            <div className="warnings" data-testid="later-overlaps">
              <p>{t('laterOverlaps')}</p>
              <ul>
                {deleted.laterOverlaps.map((o) => (
                  <li key={o.importId}>
                    #{o.importId} {o.file}
                    {open}
                    {o.alreadyStored} {t('skippedLines')}
                    {close}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      {problem === '' ? null : (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <Loaded load={list} reload={reload}>
        {({ imports }) =>
          imports.length === 0 ? (
            <p className="state empty">{t('noImports')}</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="imports-table">
                <thead>
                  <tr>
                    <th>{t('file')}</th>
                    <th>{t('kind')}</th>
                    <th>{t('preset')}</th>
                    <th className="num">{t('rows')}</th>
                    <th className="num">{t('storedRecords')}</th>
                    <th>{t('importedAt')}</th>
                    {canDelete ? <th /> : null}
                  </tr>
                </thead>
                <tbody>
                  {imports
                    .slice()
                    .reverse()
                    .map((i) => (
                      <tr key={i.id} data-import={i.id} data-import-file={i.file}>
                        <td>
                          {i.file}
                          {i.setAside === undefined ? null : <SetAsideNote setAside={i.setAside} />}
                        </td>
                        <td>{kindWord(i.kind)}</td>
                        <td data-preset={i.preset}>{named(PRESET_NAMES, i.preset)}</td>
                        <td className="num">{i.rows}</td>
                        <td className="num">{i.stored}</td>
                        <td>{shanghaiTime(i.createdAt)}</td>
                        {canDelete ? (
                          <td>
                            {confirming === i.id ? (
                              <div
                                role="alertdialog"
                                aria-label={t('deleteImport')}
                                data-testid="confirm-delete"
                              >
                                <p>
                                  {t('confirmDeleteImport')}
                                  {open}
                                  {i.file}
                                  {comma}
                                  {i.stored} {t('recordUnit')}
                                  {close}
                                </p>
                                <button
                                  type="button"
                                  className="primary"
                                  disabled={busy}
                                  onClick={() => void remove(i.id)}
                                >
                                  {t('confirmDelete')}
                                </button>{' '}
                                <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
                                  {t('cancel')}
                                </button>
                              </div>
                            ) : (
                              <button
                                type="button"
                                data-testid="delete-import"
                                onClick={() => {
                                  setDeleted(null);
                                  setConfirming(i.id);
                                }}
                              >
                                {t('deleteImport')}
                              </button>
                            )}
                          </td>
                        ) : null}
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}

/**
 * Under an import's file name: how many of its lines named another merchant number and were not imported (why it
 * may show 0 records), and to the file's uploader which numbers, each with a link to create that merchant.
 */
function SetAsideNote(props: { setAside: SetAside }) {
  const { t } = useI18n();
  const { records, merchants } = props.setAside;
  return (
    <div className="import-note" data-testid="set-aside" data-records={records}>
      <div data-testid="import-note">{fillIn(t('importNoteOtherNumbers'), { n: records })}</div>
      {merchants === undefined ? (
        <div data-testid="numbers-hidden">{t('importNoteNumbersHidden')}</div>
      ) : (
        <OtherNumbersList numbers={merchants} named={NAMED_NUMBERS} />
      )}
    </div>
  );
}

/**
 * Lines that named other merchant numbers, per number (the first `named` of them, then how many lines the rest
 * hold), each with a link to create that merchant: under an import in the list, and in an upload's answer.
 */
export function OtherNumbersList(props: {
  numbers: readonly { merchantId: string; records: number }[];
  named: number;
}) {
  const { t } = useI18n();
  const shown = props.numbers.slice(0, props.named);
  const rest = props.numbers.slice(props.named).reduce((n, m) => n + m.records, 0);
  return (
    <ul>
      {shown.map((m) => (
        <li key={m.merchantId} data-merchant-number={m.merchantId}>
          {fillIn(t('otherNumbersLine'), { n: m.records, code: m.merchantId === '' ? '—' : m.merchantId })}
          {m.merchantId === '' ? null : (
            <>
              {' '}
              <Link to={`/new?merchantId=${encodeURIComponent(m.merchantId)}`} testId="create-that-merchant">
                {t('createThatMerchant')}
              </Link>
            </>
          )}
        </li>
      ))}
      {rest === 0 ? null : <li>{fillIn(t('importNoteOtherNumbers'), { n: rest })}</li>}
    </ul>
  );
}
