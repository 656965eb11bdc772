import { useState } from 'react';
import { api } from '../api.js';
import { formatFen } from '../format.js';
import { useI18n } from '../i18n.js';
import { Empty, Loaded } from '../states.js';
import type { Comparison, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

/** The provider catalogue priced over the merchant's own sales, cheapest first (issue 10). */
export function ComparePage(props: { merchant: Merchant }) {
  const { t } = useI18n();
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
        {(c) =>
          c.plans.length === 0 ? (
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
                        {t('jumpRecord')}: {p.jumpRecord.findings} · {formatFen(p.jumpRecord.lossFen)}
                      </div>
                    )}
                    <small>
                      {t('source')}: {p.source.join('; ')}
                    </small>
                  </li>
                ))}
              </ol>
            </section>
          )
        }
      </Loaded>
    </>
  );
}
