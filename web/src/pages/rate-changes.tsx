import { api } from '../api.js';
import { changeDaysText } from '../../../src/audit/render-table.js';
import { capUnknown, formatFen, rateChangeText } from '../format.js';
import { useI18n } from '../i18n.js';
import { Empty, hasRecords, Loaded, NoData } from '../states.js';
import type { AuditReport, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

/** Every rate change as a timeline: date, before → after, fixed part, cap, transactions, plan and notice. */
export function RateChangesPage(props: { merchant: Merchant }) {
  const { t, word, lang } = useI18n();
  const id = props.merchant.id;
  const [audit, reload] = useLoad(`audit-${id}-${lang}`, () =>
    api<AuditReport>(`/api/v1/merchants/${id}/audit?lang=${lang}`),
  );
  const yesNo = (v: boolean | null) => (v === null ? t('unknown') : v ? t('yes') : t('no'));
  const cap = (v: number | undefined) => (v === undefined ? '—' : formatFen(v));
  return (
    <Loaded load={audit} reload={reload}>
      {(report) =>
        !hasRecords(report) ? (
          <NoData merchantId={id} />
        ) : report.rateChanges.length === 0 ? (
          <Empty>
            <p>{t('noRateChanges')}</p>
          </Empty>
        ) : (
          <ol className="timeline" data-testid="rate-changes">
            {[...report.rateChanges]
              .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
              .map((c) => (
                <li
                  key={`${c.channel}${c.card}${c.band}${c.date}${c.until ?? ''}`}
                  className={c.inPlan === false ? 'bad' : ''}
                >
                  <div className="when">{c.date}</div>
                  <div className="what">
                    <strong>
                      {word(c.channel)}/{word(c.card)} {rateChangeText(c, lang)}
                    </strong>
                    <dl className="facts">
                      <dt>{t('band')}</dt>
                      <dd>{c.band === 'all' ? t('allAmounts') : c.band}</dd>
                      <dt>{t('rate')}</dt>
                      <dd>
                        {c.beforeRate} → {c.afterRate}
                      </dd>
                      <dt>{t('fixed')}</dt>
                      <dd>
                        {formatFen(c.beforeFixedFen)} → {formatFen(c.afterFixedFen)}
                      </dd>
                      <dt>{t('cap')}</dt>
                      <dd>
                        {capUnknown(c)
                          ? t('capNotComparable')
                          : `${cap(c.beforeCapFen)} → ${cap(c.afterCapFen)}`}
                      </dd>
                      <dt>{t('transactions')}</dt>
                      <dd>{c.transactions}</dd>
                      <dt>{t('inPlan')}</dt>
                      <dd>{yesNo(c.inPlan)}</dd>
                      <dt>{t('notice')}</dt>
                      <dd>{yesNo(c.noticeHonoured)}</dd>
                      {/* As the CLI's diagnoses date it: an episode's own days, never “since” for one that ended. */}
                      <dt>{t('inForce')}</dt>
                      <dd data-testid="in-force">{changeDaysText(c, lang)}</dd>
                    </dl>
                  </div>
                </li>
              ))}
          </ol>
        )
      }
    </Loaded>
  );
}
