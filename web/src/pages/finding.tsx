import { api } from '../api.js';
import { formatFen, shanghaiTime } from '../format.js';
import { RECORD_TYPE_NAMES, useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { Empty, Loaded } from '../states.js';
import type { AuditReport, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';
import { ExportLinks } from './findings.js';
import { KIND_WORDS } from './imports.js';

interface StoredRecord {
  id: number;
  kind: string;
  type: string;
  time: string;
  refNo?: string;
  orderNo?: string;
  terminalId?: string;
  amountFen: number;
  feeFen?: number;
  settledFen?: number;
  cardNo?: string;
  source: { file: string; row: number };
}

/**
 * The stored records a finding points to, asked for by file and row (however many records the merchant
 * holds). Statements exported each month often share a file name (结算明细.csv): when several imports have
 * a row at the same place, only those that are the finding's transaction (same reference, order or time) stay.
 */
async function sourceRecords(
  merchantId: number,
  finding: { source: { file: string; row: number }[]; refNo?: string; orderNo?: string; time?: string },
): Promise<StoredRecord[]> {
  const found: StoredRecord[] = [];
  const seen = new Set<number>();
  for (const s of finding.source) {
    const answer: { records: StoredRecord[] } = await api(
      `/api/v1/merchants/${merchantId}/records?limit=100&file=${encodeURIComponent(s.file)}&row=${s.row}`,
    );
    let list = answer.records;
    if (list.length > 1) {
      const same = list.filter(
        (r) =>
          (finding.refNo !== undefined && r.refNo === finding.refNo) ||
          (finding.orderNo !== undefined && r.orderNo === finding.orderNo) ||
          (finding.refNo === undefined && finding.orderNo === undefined && r.time === finding.time),
      );
      if (same.length > 0) list = same;
    }
    for (const r of list) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      found.push(r);
    }
  }
  return found;
}

/** One finding: what, the rule, the arithmetic to the fen, and the source rows. */
export function FindingPage(props: { merchant: Merchant; findingId: string }) {
  const { t, kindName, lang, word, named } = useI18n();
  const [open, close] = lang === 'en' ? [' (', ')'] : ['（', '）'];
  const id = props.merchant.id;
  const [audit, reload] = useLoad(`audit-${id}-${lang}`, () =>
    api<AuditReport>(`/api/v1/merchants/${id}/audit?lang=${lang}`),
  );
  const finding =
    audit.state === 'ready' ? audit.data.findings.find((f) => f.id === props.findingId) : undefined;
  const [records] = useLoad(`records-${id}-${finding?.id ?? ''}`, () =>
    finding === undefined ? Promise.resolve([]) : sourceRecords(id, finding),
  );
  return (
    <Loaded load={audit} reload={reload}>
      {() => {
        if (finding === undefined)
          return (
            <Empty>
              <p>{t('findingNotFound')}</p>
              <Link to={`/m/${id}/findings`}>{t('back')}</Link>
            </Empty>
          );
        const f = finding;
        const hasFees = f.expectedFeeFen !== undefined && f.chargedFeeFen !== undefined;
        return (
          <article className="finding-detail" data-testid="finding-detail">
            <p>
              <Link to={`/m/${id}/findings`}>← {t('back')}</Link>
            </p>
            <h2>
              {kindName(f.kind)} <span className="loss">{formatFen(f.lossFen)}</span>
            </h2>
            <p>{lang === 'en' ? f.messageEn : f.message}</p>
            <dl className="facts">
              {f.time === undefined ? null : (
                <>
                  <dt>{t('time')}</dt>
                  <dd>{shanghaiTime(f.time)}</dd>
                </>
              )}
              {f.refNo === undefined ? null : (
                <>
                  <dt>{t('refNo')}</dt>
                  <dd>{f.refNo}</dd>
                </>
              )}
              {f.terminalId === undefined ? null : (
                <>
                  <dt>{t('terminal')}</dt>
                  <dd>{f.terminalId}</dd>
                </>
              )}
              {f.channel === undefined ? null : (
                <>
                  <dt>{t('channelCard')}</dt>
                  <dd>
                    {word(f.channel)}/{word(f.card ?? 'unknown')}
                  </dd>
                </>
              )}
            </dl>
            {f.rule === undefined ? null : (
              <section className="card">
                <h3>{t('rule')}</h3>
                <p data-testid="finding-rule">
                  {lang === 'en' ? (f.rule.textEn ?? f.rule.text) : f.rule.text}
                  {open}
                  {t('planLine')} {f.rule.line}
                  {t('planLineSuffix')}
                  {close}
                </p>
              </section>
            )}
            {!hasFees ? null : (
              <section className="card">
                <h3>
                  {t('arithmetic')} {f.basis === 'inferred' ? t('basisInferred') : ''}
                </h3>
                <table className="arithmetic" data-testid="arithmetic">
                  <tbody>
                    {f.amountFen === undefined ? null : (
                      <tr>
                        <th>{t('amount')}</th>
                        <td className="num">{formatFen(f.amountFen)}</td>
                      </tr>
                    )}
                    <tr>
                      <th>{t('expected')}</th>
                      <td className="num">{formatFen(f.expectedFeeFen ?? 0)}</td>
                    </tr>
                    <tr>
                      <th>{t('charged')}</th>
                      <td className="num">{formatFen(f.chargedFeeFen ?? 0)}</td>
                    </tr>
                    <tr className="diff">
                      <th>
                        {t('difference')} = {formatFen(f.chargedFeeFen ?? 0)} −{' '}
                        {formatFen(f.expectedFeeFen ?? 0)}
                      </th>
                      <td className="num">{formatFen((f.chargedFeeFen ?? 0) - (f.expectedFeeFen ?? 0))}</td>
                    </tr>
                  </tbody>
                </table>
              </section>
            )}
            <section className="card">
              <h3>{t('sourceRows')}</h3>
              <ul className="sources" data-testid="finding-sources">
                {f.source.map((s) => (
                  <li key={`${s.file}#${s.row}`}>
                    {t('file')} <b>{s.file}</b> · {t('row')} <b>{s.row}</b>
                  </li>
                ))}
              </ul>
              <Loaded load={records}>
                {(list) =>
                  list.length === 0 ? null : (
                    <div className="table-wrap">
                      <table data-testid="source-records">
                        <thead>
                          <tr>
                            <th>{t('file')}</th>
                            <th>{t('row')}</th>
                            <th>{t('kind')}</th>
                            <th>{t('time')}</th>
                            <th>{t('refNo')}</th>
                            <th className="num">{t('amount')}</th>
                            <th className="num">{t('fees')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {list.map((r) => (
                            <tr key={r.id}>
                              <td>{r.source.file}</td>
                              <td>{r.source.row}</td>
                              <td data-testid="source-kind">
                                {named(KIND_WORDS, r.kind)}
                                {lang === 'en' ? ', ' : '·'}
                                {named(RECORD_TYPE_NAMES, r.type)}
                              </td>
                              <td>{shanghaiTime(r.time)}</td>
                              <td>{r.refNo ?? ''}</td>
                              <td className="num">{formatFen(r.amountFen)}</td>
                              <td className="num">{r.feeFen === undefined ? '' : formatFen(r.feeFen)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )
                }
              </Loaded>
            </section>
            <ExportLinks merchantId={id} />
          </article>
        );
      }}
    </Loaded>
  );
}
