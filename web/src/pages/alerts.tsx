import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { formatFen, shanghaiTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { Empty, Loaded } from '../states.js';
import type { Alert, AlertChannel, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

const CHANNEL_TYPES = ['webhook', 'wecom', 'dingtalk', 'feishu', 'email'] as const;

/** Monitor alerts with each delivery's status, and the merchant's alert channels (issue 8). */
export function AlertsPage(props: { merchant: Merchant }) {
  const { t } = useI18n();
  const id = props.merchant.id;
  const [alerts, reloadAlerts] = useLoad(`alerts-${id}`, () =>
    api<{ alerts: Alert[] }>(`/api/v1/merchants/${id}/alerts`),
  );
  const [channels, reloadChannels] = useLoad(`channels-${id}`, () =>
    api<{ channels: AlertChannel[] }>(`/api/v1/merchants/${id}/alert-channels`),
  );
  const [type, setType] = useState<(typeof CHANNEL_TYPES)[number]>('webhook');
  const [target, setTarget] = useState('');
  const [secret, setSecret] = useState('');
  const [problem, setProblem] = useState('');

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setProblem('');
    const body =
      type === 'email'
        ? { type, address: target.trim() }
        : { type, url: target.trim(), ...(secret === '' ? {} : { secret }) };
    try {
      await api(`/api/v1/merchants/${id}/alert-channels`, { json: body });
      setTarget('');
      setSecret('');
      reloadChannels();
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  const remove = async (channelId: number) => {
    try {
      await api(`/api/v1/merchants/${id}/alert-channels/${channelId}`, { method: 'DELETE' });
      reloadChannels();
    } catch (error) {
      setProblem((error as Error).message);
    }
  };

  return (
    <div>
      <section className="card">
        <h3>{t('alertChannels')}</h3>
        <Loaded load={channels} reload={reloadChannels}>
          {({ channels: list }) =>
            list.length === 0 ? (
              <p className="state empty">{t('noChannels')}</p>
            ) : (
              <ul data-testid="alert-channels">
                {list.map((c) => (
                  <li key={c.id} data-channel-type={c.type}>
                    {c.type} · {c.target} {c.hasSecret ? '🔑' : ''}{' '}
                    <button type="button" onClick={() => void remove(c.id)}>
                      {t('remove')}
                    </button>
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
        <form onSubmit={(e) => void add(e)} className="toolbar" data-testid="channel-form">
          <select
            aria-label={t('channelType')}
            name="type"
            value={type}
            onChange={(e) => setType(e.target.value as (typeof CHANNEL_TYPES)[number])}
          >
            {CHANNEL_TYPES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <input
            name="target"
            required
            placeholder={t('channelTarget')}
            aria-label={t('channelTarget')}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
          {type === 'email' ? null : (
            <input
              name="secret"
              placeholder={t('channelSecret')}
              aria-label={t('channelSecret')}
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          )}
          <button type="submit" className="primary">
            {t('addChannel')}
          </button>
        </form>
        {problem === '' ? null : (
          <p className="state error" role="alert">
            {problem}
          </p>
        )}
      </section>
      <section className="card">
        <h3>{t('alerts')}</h3>
        <Loaded load={alerts} reload={reloadAlerts}>
          {({ alerts: list }) =>
            list.length === 0 ? (
              <Empty>
                <p>{t('noAlerts')}</p>
              </Empty>
            ) : (
              <ul data-testid="alerts">
                {list.map((a) => (
                  <li key={a.id}>
                    <b>{shanghaiTime(a.createdAt)}</b> [{a.severity}] {a.message}
                    {a.amountFen === null ? '' : ` ${formatFen(a.amountFen)}`}
                    <ul>
                      {a.deliveries.map((d) => (
                        <li
                          key={d.id}
                          data-status={d.status}
                          className={d.status === 'failed' ? 'loss' : undefined}
                        >
                          {d.channelType}: {d.status === 'failed' ? `✗ ${t('deliveryFailed')}` : d.status} (
                          {d.attempts}){d.lastError === null ? '' : ` — ${t('lastError')}: ${d.lastError}`}
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
    </div>
  );
}
