import { headline } from '../../../src/audit/render-table.js';
import { warningIn } from '../../../src/audit/warning-text.js';
import type { Remedy } from '../../../src/explain/diagnosis-types.js';
import { useState } from 'react';
import { api } from '../api.js';
import { formatFen, rateChangeText, shanghaiDate, shanghaiToday } from '../format.js';
import { type TextKey, useI18n } from '../i18n.js';
import { RateChart } from '../rate-chart.js';
import { Link } from '../router.js';
import { ExportLinks } from './findings.js';
import { ImportsCard } from './imports.js';
import { hasRecords, Loaded, NoData } from '../states.js';
import type { AuditReport, Finding, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

interface StoredPlan {
  version: number;
  text: string;
  createdAt: string;
}

/** The day a finding belongs to: its settlement date, else its transaction's local date. */
export function findingDate(f: Finding): string | undefined {
  return f.settleDate ?? (f.time === undefined ? undefined : shanghaiDate(f.time));
}

// Percent with 2 decimals from integer fen, for display.
function percentText(feeFen: number, amountFen: number): string {
  if (amountFen <= 0) return '—';
  const basisPoints = Math.round((feeFen * 10_000) / amountFen);
  return `${Math.floor(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}%`;
}

// Remedies whose general wording sends the merchant to a CLI command; the dashboard has a button or a page for it.
const DASHBOARD_STEPS: Partial<Record<Remedy, TextKey>> = {
  contact_service: 'stepContactService',
  reconcile_regularly: 'stepReconcile',
};

/**
 * The audit's overview, then the imported files: deleting one reads the audit again. The files sit outside the
 * audit's loading state, so what a deletion removed stays shown while the audit is read.
 */
export function OverviewPage(props: { merchant: Merchant }) {
  const [deletions, setDeletions] = useState(0);
  return (
    <>
      <AuditOverview merchant={props.merchant} deletions={deletions} />
      <ImportsCard merchant={props.merchant} onDeleted={() => setDeletions((n) => n + 1)} />
    </>
  );
}

/** Money lost (this month, to date) first, findings by kind, the rate chart, the plan beside the charges. */
function AuditOverview(props: { merchant: Merchant; deletions: number }) {
  const { t, kindName, word, lang } = useI18n();
  const [open, close] = lang === 'en' ? [' (', ')'] : ['（', '）'];
  const id = props.merchant.id;
  const [audit, reload] = useLoad(`audit-${id}-${lang}-${props.deletions}`, () =>
    api<AuditReport>(`/api/v1/merchants/${id}/audit?lang=${lang}`),
  );
  const [plan] = useLoad(`plan-${id}`, async () => {
    try {
      return await api<StoredPlan>(`/api/v1/merchants/${id}/plan`);
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  });
  return (
    <Loaded load={audit} reload={reload}>
      {(report) => {
        const s = report.summary;
        if (!hasRecords(report)) return <NoData merchantId={id} />;
        // No plan stored (or none the audit could use): the expected fees came from the provider's earlier charges.
        const inferred =
          (plan.state === 'ready' && plan.data === null) ||
          report.findings.some((f) => f.basis === 'inferred');
        const month = shanghaiToday().slice(0, 7);
        const lostThisMonth = report.findings
          .filter((f) => findingDate(f)?.startsWith(month) === true)
          .reduce((n, f) => n + f.lossFen, 0);
        const kinds = Object.entries(s.findingsByKind).filter(([, n]) => n > 0);
        const groups = new Map<string, { amountFen: number; feeFen: number }>();
        for (const r of report.effectiveRates ?? []) {
          const key = `${r.channel}/${r.card}`;
          const g = groups.get(key) ?? { amountFen: 0, feeFen: 0 };
          g.amountFen += r.amountFen;
          g.feeFen += r.feeFen;
          groups.set(key, g);
        }
        return (
          <div className="overview">
            <h2>
              {props.merchant.name}
              {props.merchant.demo ? <span className="tag">{t('demo')}</span> : null}
            </h2>
            <p className="headline" data-testid="headline">
              {headline(report, lang)}
            </p>
            <section className="totals">
              <div className="total big" data-testid="lost-this-month">
                <span>
                  {t('lostThisMonth')}
                  {open}
                  {month}
                  {close}
                </span>
                <strong>{formatFen(lostThisMonth)}</strong>
              </div>
              <div className="total big" data-testid="lost-to-date">
                <span>{t('lostToDate')}</span>
                <strong>{formatFen(s.lossFen)}</strong>
              </div>
              <div className="total" data-testid="overcharged">
                <span>{t('overcharged')}</span>
                <strong>{formatFen(s.overchargeFen)}</strong>
              </div>
            </section>
            <section className="card">
              <h3>{t('findingsByKind')}</h3>
              {kinds.length === 0 ? (
                <p className="state empty">{t('noFindings')}</p>
              ) : (
                <ul className="kinds">
                  {kinds.map(([kind, n]) => (
                    <li key={kind}>
                      <Link to={`/m/${id}/findings?kind=${kind}`}>
                        {kindName(kind)} <b>{n}</b>
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="card">
              <h3>{t('rateChart')}</h3>
              {(report.effectiveRates ?? []).length === 0 ? (
                <p className="state empty">{t('noRates')}</p>
              ) : (
                <RateChart audit={report} />
              )}
            </section>
            <section className="card">
              <h3>{t('planVsCharged')}</h3>
              <div className="side-by-side">
                <div>
                  <h4>{t('planInForce')}</h4>
                  <Loaded load={plan}>
                    {(p) =>
                      p === null ? (
                        <p className="state empty">
                          {t('noPlan')} <Link to={`/m/${id}/plan`}>{t('navPlan')}</Link>
                        </p>
                      ) : (
                        <pre className="yaml" data-testid="plan-text">
                          {p.text}
                        </pre>
                      )
                    }
                  </Loaded>
                </div>
                <div>
                  <h4>{t('charged')}</h4>
                  <div className="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th>{t('channelCard')}</th>
                          <th className="num">{t('amount')}</th>
                          <th className="num">{t('fees')}</th>
                          <th className="num">{t('effectiveRate')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {[...groups].map(([key, g]) => {
                          const [channel = '', card = ''] = key.split('/');
                          return (
                            <tr key={key}>
                              <td>
                                {word(channel)}/{word(card)}
                              </td>
                              <td className="num">{formatFen(g.amountFen)}</td>
                              <td className="num">{formatFen(g.feeFen)}</td>
                              <td className="num">{percentText(g.feeFen, g.amountFen)}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                  {report.rateChanges.length === 0 ? null : (
                    <ul className="changes-brief" data-testid="changes-brief">
                      {report.rateChanges.map((c) => (
                        <li key={`${c.merchantId ?? ''}${c.channel}${c.card}${c.band}${c.date}`}>
                          {c.date} {word(c.channel)}/{word(c.card)} {rateChangeText(c, lang)}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              </div>
            </section>
            {(report.diagnoses ?? []).length === 0 ? null : (
              <section className="card" data-testid="diagnoses">
                <h3>{t('diagnoses')}</h3>
                {(report.diagnoses ?? []).map((d) => (
                  <div key={d.id} className="diagnosis" data-diagnosis={d.cause}>
                    <h4>
                      {lang === 'en' ? d.titleEn : d.title}{' '}
                      <span className="loss">{formatFen(d.lossFen)}</span>
                    </h4>
                    <ul>
                      {(lang === 'en' ? d.evidenceEn : d.evidence).map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                    <h5>{t('steps')}</h5>
                    <ol>
                      {(lang === 'en' ? d.stepsEn : d.steps).map((step, i) => {
                        const remedy = d.remedies[i];
                        const own = remedy === undefined ? undefined : DASHBOARD_STEPS[remedy];
                        // A step worded for this diagnosis (its lines, its amount) names no command: it stays.
                        return (
                          <li key={step}>{own !== undefined && /\bposguard /.test(step) ? t(own) : step}</li>
                        );
                      })}
                    </ol>
                  </div>
                ))}
                <ExportLinks merchantId={id} />
              </section>
            )}
            {report.warnings.length === 0 && !inferred ? null : (
              <section className="card" data-testid="warnings">
                <h3>{t('warnings')}</h3>
                <ul className="warnings">
                  {/* Said first, as the CLI does: without the contract, "no overcharge" only means "no change". */}
                  {inferred ? (
                    <li data-testid="no-plan-warning">
                      {t('noPlanInferred')} <Link to={`/m/${id}/plan`}>{t('navPlan')}</Link>
                    </li>
                  ) : null}
                  {report.warnings.map((w) => (
                    <li key={w}>{warningIn(w, lang)}</li>
                  ))}
                </ul>
              </section>
            )}
          </div>
        );
      }}
    </Loaded>
  );
}
