import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { formatFen, shanghaiTime } from '../format.js';
import { type TextKey, useI18n } from '../i18n.js';
import { Empty, Loaded } from '../states.js';
import type { CaseDetail, CaseSummary, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

const IDLE_DAYS = 7;

/** Digits with at most two decimals as integer fen, digit by digit (never via floats); undefined if not money. */
function yuanToFen(text: string): number | undefined {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function CaseView(props: { merchantId: number; caseId: number; onChanged: () => void }) {
  const { t } = useI18n();
  const url = `/api/v1/merchants/${props.merchantId}/cases/${props.caseId}`;
  const [load, reload] = useLoad(`case-${props.caseId}`, () => api<CaseDetail>(url));
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState('');
  const act = async (work: () => Promise<unknown>) => {
    setProblem('');
    try {
      await work();
      setNote('');
      reload();
      props.onChanged();
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  const stateName = (s: string) => t(`state_${s}` as TextKey);
  return (
    <Loaded load={load} reload={reload}>
      {(c) => (
        <div className="card" data-testid="case-detail">
          <h4>
            {c.title} — <span data-testid="case-state">{stateName(c.state)}</span>
          </h4>
          <textarea
            aria-label={t('note')}
            placeholder={t('note')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <div className="toolbar">
            {c.nextStates.map((s) => (
              <button
                key={s}
                type="button"
                data-next-state={s}
                onClick={() =>
                  void act(() =>
                    api(url, { method: 'PATCH', json: { state: s, ...(note === '' ? {} : { note }) } }),
                  )
                }
              >
                {t('moveTo')} {stateName(s)}
              </button>
            ))}
            <button
              type="button"
              disabled={note.trim() === ''}
              onClick={() => void act(() => api(`${url}/notes`, { json: { text: note } }))}
            >
              {t('addNote')}
            </button>
          </div>
          {problem === '' ? null : (
            <p className="state error" role="alert">
              {problem}
            </p>
          )}
          <ul data-testid="case-notes">
            {c.notes.map((n) => (
              <li key={n.id}>
                {shanghaiTime(n.at)}{' '}
                {n.toState === null
                  ? ''
                  : `${n.fromState === null ? '' : stateName(n.fromState)}→${stateName(n.toState)} `}
                {n.text}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Loaded>
  );
}

/** Dispute cases: list with state and amounts, open one, move it along with a note (issue 10). */
export function CasesPage(props: { merchant: Merchant }) {
  const { t } = useI18n();
  const id = props.merchant.id;
  const [load, reload] = useLoad(`cases-${id}`, () =>
    api<{ cases: CaseSummary[] }>(`/api/v1/merchants/${id}/cases`),
  );
  const [title, setTitle] = useState('');
  const [provider, setProvider] = useState('');
  const [claimed, setClaimed] = useState('');
  const [problem, setProblem] = useState('');
  const [openId, setOpenId] = useState<number | undefined>(undefined);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setProblem('');
    const amountClaimedFen = yuanToFen(claimed === '' ? '0' : claimed);
    if (amountClaimedFen === undefined) {
      setProblem(`${t('claimed')}: ${claimed}`);
      return;
    }
    try {
      const created = await api<CaseSummary>(`/api/v1/merchants/${id}/cases`, {
        json: {
          title: title.trim(),
          amountClaimedFen,
          ...(provider.trim() === '' ? {} : { provider: provider.trim() }),
        },
      });
      setTitle('');
      setProvider('');
      setClaimed('');
      setOpenId(created.id);
      reload();
    } catch (error) {
      setProblem((error as Error).message);
    }
  };

  return (
    <div>
      <section className="card">
        <h3>{t('openCase')}</h3>
        <form className="toolbar" onSubmit={(e) => void create(e)} data-testid="case-form">
          <input
            name="title"
            required
            placeholder={t('caseTitle')}
            aria-label={t('caseTitle')}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <input
            name="provider"
            placeholder={t('provider')}
            aria-label={t('provider')}
            value={provider}
            onChange={(e) => setProvider(e.target.value)}
          />
          <input
            name="claimed"
            inputMode="decimal"
            placeholder={`${t('claimed')} (¥)`}
            aria-label={t('claimed')}
            value={claimed}
            onChange={(e) => setClaimed(e.target.value)}
          />
          <button type="submit" className="primary">
            {t('openCase')}
          </button>
        </form>
        {problem === '' ? null : (
          <p className="state error" role="alert">
            {problem}
          </p>
        )}
      </section>
      <section className="card">
        <h3>{t('cases')}</h3>
        <Loaded load={load} reload={reload}>
          {({ cases }) =>
            cases.length === 0 ? (
              <Empty>
                <p>{t('noCases')}</p>
              </Empty>
            ) : (
              <div className="table-wrap">
                <table data-testid="cases-table">
                  <thead>
                    <tr>
                      <th>{t('caseTitle')}</th>
                      <th>{t('provider')}</th>
                      <th>{t('state')}</th>
                      <th className="num">{t('claimed')}</th>
                      <th className="num">{t('recovered')}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {cases.map((c) => (
                      <tr key={c.id} data-case-id={c.id} data-state={c.state}>
                        <td>
                          {c.title}
                          {c.idleDays >= IDLE_DAYS && c.state !== 'closed' ? (
                            <span className="tag">
                              {t('idleBadge')} {c.idleDays}d
                            </span>
                          ) : null}
                        </td>
                        <td>{c.provider ?? ''}</td>
                        <td>{t(`state_${c.state}` as TextKey)}</td>
                        <td className="num">{formatFen(c.amountClaimedFen)}</td>
                        <td className="num">{formatFen(c.amountRecoveredFen)}</td>
                        <td>
                          <button type="button" onClick={() => setOpenId(openId === c.id ? undefined : c.id)}>
                            {t('details')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
        {openId === undefined ? null : <CaseView merchantId={id} caseId={openId} onChanged={reload} />}
      </section>
    </div>
  );
}
