import { useState } from 'react';
import { api } from '../api.js';
import { formatFen } from '../format.js';
import { type Lang, useI18n } from '../i18n.js';
import { Empty, Loaded } from '../states.js';
import type { Comparison, JumpRecord, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

/** The days the yearly figures are annualised over, in the page's language. */
function periodWords(period: NonNullable<Comparison['history']['period']>, lang: Lang): string {
  const { from, to, days } = period;
  return lang === 'en'
    ? `Annualised from the sales of ${from} to ${to} (${days} ${days === 1 ? 'day' : 'days'})`
    : `按 ${from} 至 ${to}（${days} 天）的交易折算为一年`;
}

/** The mark of a plan that can only be had from a day after the switch date. */
function laterStartWords(startDate: string, lang: Lang): string {
  return lang === 'en' ? `starts ${startDate}` : `${startDate} 起`;
}

/** The provider catalogue priced over the merchant's own sales, cheapest first (issue 10). */
export function ComparePage(props: { merchant: Merchant }) {
  const { t, lang } = useI18n();
  const providerOf = (j: JumpRecord): string => j.provider ?? t('yourProvider');
  const id = props.merchant.id;
  // The day the merchant would switch; empty = the server's default (today, Asia/Shanghai).
  const [asOf, setAsOf] = useState('');
  const query = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? `?asOf=${asOf}` : '';
  const [load, reload] = useLoad(`compare-${id}${query}`, () =>
    api<Comparison>(`/api/v1/merchants/${id}/compare${query}`),
  );
  return (
    <>
      <section className="card">
        <label>
          {t('switchDate')}
          <input
            type="date"
            name="asOf"
            data-testid="compare-as-of"
            value={asOf}
            onChange={(e) => setAsOf(e.target.value)}
          />
          <small>{t('switchDateDefault')}</small>
        </label>
      </section>
      <Loaded load={load} reload={reload}>
        {(c) => (
          <>
            {c.history.period === null && c.warnings.length === 0 ? null : (
              <section className="card" data-testid="compare-notes">
                {c.history.period === null ? null : (
                  <p data-testid="compare-period">{periodWords(c.history.period, lang)}</p>
                )}
                {c.warnings.length === 0 ? null : (
                  <ul className="loss" data-testid="compare-warnings">
                    {c.warnings.map((w) => (
                      <li key={w.code + w.en} data-code={w.code}>
                        {lang === 'en' ? w.en : w.zh}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            )}
            {c.plans.length === 0 ? (
              <Empty>
                <p>{t('noPlans')}</p>
              </Empty>
            ) : (
              <section className="card">
                <h3>{t('compareTitle')}</h3>
                <ol className="compare" data-testid="compare-ranking">
                  {c.plans.map((p) => (
                    <li
                      key={`${p.provider}/${p.plan}`}
                      data-provider={p.provider}
                      data-complete={p.complete ? 'true' : 'false'}
                      className="card"
                    >
                      <div>
                        <b>#{p.rank}</b> {p.provider} · {p.plan} · {p.settlement}
                        {p.startDate > c.asOf ? (
                          <>
                            {' '}
                            <span className="loss" data-testid="later-start">
                              {laterStartWords(p.startDate, lang)}
                            </span>
                          </>
                        ) : null}
                        {p.complete ? null : (
                          <>
                            {' '}
                            <span className="loss" data-testid="incomplete">
                              {t('incomplete')}
                            </span>
                          </>
                        )}
                      </div>
                      <div className="total big">
                        <span>{t('yearlyTotal')}</span>
                        <strong>{formatFen(p.yearlyFen)}</strong>
                      </div>
                      <div>
                        {t('firstYearFrom')} <span data-testid="start-date">{p.startDate}</span>
                      </div>
                      <div>
                        {t('fees')} {formatFen(p.yearlyFeesFen)} · {t('charges')}{' '}
                        <span data-testid="charges">{formatFen(p.yearlyChargesFen)}</span> · {t('simFees')}{' '}
                        {formatFen(p.yearlySimFen)} · {t('deposit')} {formatFen(p.depositFen)} ·{' '}
                        {t('unpricedCount')} {p.unpriced.count}
                      </div>
                      {p.complete ? null : (
                        <ul className="loss" data-testid="incomplete-why">
                          {p.unpriced.count > 0 ? (
                            <li>
                              {p.unpriced.count} {t('incompleteUnpriced')} ({formatFen(p.unpriced.amountFen)})
                            </li>
                          ) : null}
                          {p.uncoveredDays > 0 ? (
                            <li>
                              {p.uncoveredDays} {t('incompleteDays')}
                            </li>
                          ) : null}
                        </ul>
                      )}
                      {p.jumpRecord === undefined ? null : (
                        <div className="loss" data-testid="jump-record">
                          {t('jumpRecord')} ({providerOf(p.jumpRecord)}): {p.jumpRecord.findings} ·{' '}
                          {formatFen(p.jumpRecord.lossFen)}
                        </div>
                      )}
                      <small>
                        {t('source')}: {p.source.join('; ')}
                      </small>
                    </li>
                  ))}
                </ol>
              </section>
            )}
            {unmatchedJumps(c).length === 0 ? null : (
              <section className="card loss" data-testid="unmatched-jumps">
                {unmatchedJumps(c).map((j) => (
                  <div key={j.names.join('|')}>
                    {t('jumpRecord')} ({providerOf(j)}): {j.findings} · {formatFen(j.lossFen)} ·{' '}
                    {t('notInCatalog')}
                  </div>
                ))}
              </section>
            )}
          </>
        )}
      </Loaded>
    </>
  );
}

/** The 跳点 records of providers no catalogue plan matched (their statements were given, their offer is not listed). */
function unmatchedJumps(c: Comparison): JumpRecord[] {
  return c.jumpRecords.filter(
    (j) => !c.plans.some((p) => p.jumpRecord?.names.some((n) => j.names.includes(n))),
  );
}
