import { api } from '../api.js';
import { formatFen, type RateFormulaChange, rateChangeText } from '../format.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { Empty, Loaded } from '../states.js';
import { useLoad } from '../use-load.js';

interface PortfolioRow {
  id: number;
  name: string;
  merchantId: string | null;
  demo: boolean;
  lossFen: number;
  overchargeFen: number;
  findings: number;
  rateChanges: number;
  recentJumps: (RateFormulaChange & { date: string; channel: string; card: string; band: string })[];
}

/** An agent's merchants ranked by money lost, with rate jumps of the last 30 days flagged. */
export function PortfolioPage() {
  const { t, word, lang } = useI18n();
  const [load, reload] = useLoad('portfolio', () =>
    api<{ since: string; merchants: PortfolioRow[] }>('/api/v1/portfolio'),
  );
  return (
    <Loaded load={load} reload={reload}>
      {(data) =>
        data.merchants.length === 0 ? (
          <Empty>
            <p>{t('noMerchants')}</p>
          </Empty>
        ) : (
          <div>
            <h2>{t('portfolio')}</h2>
            <div className="table-wrap">
              <table data-testid="portfolio">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>{t('merchant')}</th>
                    <th className="num">{t('loss')}</th>
                    <th className="num">{t('findings')}</th>
                    <th>{t('recentJumps')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.merchants.map((m, i) => (
                    <tr key={m.id} className={m.recentJumps.length > 0 ? 'flagged' : ''}>
                      <td>{i + 1}</td>
                      <td>
                        <Link to={`/m/${m.id}`}>{m.name}</Link>
                        {m.demo ? <span className="tag">{t('demo')}</span> : null}
                      </td>
                      <td className="num loss">{formatFen(m.lossFen)}</td>
                      <td className="num">{m.findings}</td>
                      <td>
                        {m.recentJumps.length === 0
                          ? '—'
                          : m.recentJumps.map((j) => (
                              <span key={`${j.date}${j.channel}${j.card}${j.band}`} className="flag">
                                ⚠ {j.date} {word(j.channel)}/{word(j.card)} {rateChangeText(j, lang)}
                              </span>
                            ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )
      }
    </Loaded>
  );
}
