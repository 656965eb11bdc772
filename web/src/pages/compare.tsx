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
  const [load, reload] = useLoad(`compare-${id}`, () => api<Comparison>(`/api/v1/merchants/${id}/compare`));
  return (
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
                <li key={`${p.provider}/${p.plan}`} data-provider={p.provider} className="card">
                  <div>
                    <b>#{p.rank}</b> {p.provider} · {p.plan} · {p.settlement}
                  </div>
                  <div className="total big">
                    <span>{t('yearlyTotal')}</span>
                    <strong>{formatFen(p.yearlyFen)}</strong>
                  </div>
                  <div>
                    {t('fees')} {formatFen(p.yearlyFeesFen)} · {t('simFees')} {formatFen(p.yearlySimFen)} ·{' '}
                    {t('deposit')} {formatFen(p.depositFen)} · {t('unpricedCount')} {p.unpriced.count}
                  </div>
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
  );
}
