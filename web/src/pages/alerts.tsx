import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { formatFen, shanghaiTime } from '../format.js';
import {
  ALERT_KIND_NAMES,
  CHANNEL_TYPE_NAMES,
  DELIVERY_STATUS_NAMES,
  SEVERITY_NAMES,
  useI18n,
} from '../i18n.js';
import { Empty, Loaded } from '../states.js';
import type { Alert, AlertChannel, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

const CHANNEL_TYPES = ['webhook', 'wecom', 'dingtalk', 'feishu', 'email'] as const;

/**
 * Monitor alerts with each delivery's status, and the merchant's alert channels (issue 8). `alertId` is the alert
 * a message linked to (/m/1/alerts/7): it is marked, scrolled to and focused.
 */
export function AlertsPage(props: { merchant: Merchant; alertId?: number }) {
  const { t, lang, named } = useI18n();
  const id = props.merchant.id;
  // The API's most when a message links to one alert: it may be older than the newest hundred.
  const limit = props.alertId === undefined ? 100 : 1000;
  const [alerts, reloadAlerts] = useLoad(`alerts-${id}-${limit}`, () =>
    api<{ alerts: Alert[] }>(`/api/v1/merchants/${id}/alerts?limit=${limit}`),
  );
  const linked = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (alerts.state !== 'ready') return;
    linked.current?.scrollIntoView({ block: 'center' });
    linked.current?.focus();
  }, [alerts.state]);
  const [open, close] = lang === 'en' ? [' (', ')'] : ['（', '）'];
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
                    {named(CHANNEL_TYPE_NAMES, c.type)} · {c.target} {c.hasSecret ? '🔑' : ''}{' '}
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
                {named(CHANNEL_TYPE_NAMES, c)}
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
          {({ alerts: list }) => (
            <>
              {props.alertId === undefined || list.some((a) => a.id === props.alertId) ? null : (
                <p className="state error" role="alert" data-testid="alert-not-found">
                  {t('alertNotFound')}
                </p>
              )}
              {list.length === 0 ? (
                <Empty>
                  <p>{t('noAlerts')}</p>
                </Empty>
              ) : (
                <ul data-testid="alerts" className="alerts">
                  {list.map((a) => {
                    const isLinked = a.id === props.alertId;
                    return (
                      <li
                        key={a.id}
                        id={`alert-${a.id}`}
                        data-alert-id={a.id}
                        className={isLinked ? 'linked' : undefined}
                        aria-current={isLinked ? 'true' : undefined}
                        tabIndex={isLinked ? -1 : undefined}
                        ref={isLinked ? linked : undefined}
                      >
                        <b>{shanghaiTime(a.createdAt)}</b> {open}
                        {named(SEVERITY_NAMES, a.severity)}
                        {close} <b>{named(ALERT_KIND_NAMES, a.kind)}</b>
                        {t('colon')}
                        <span data-testid="alert-message">{lang === 'en' ? a.messageEn : a.messageZh}</span>
                        {a.amountFen === null ? '' : ` ${formatFen(a.amountFen)}`}
                        <ul>
                          {a.deliveries.map((d) => (
                            <li
                              key={d.id}
                              data-status={d.status}
                              className={d.status === 'failed' ? 'loss' : undefined}
                            >
                              {named(CHANNEL_TYPE_NAMES, d.channelType)}
                              {t('colon')}
                              {d.status === 'failed' ? '✗ ' : ''}
                              {named(DELIVERY_STATUS_NAMES, d.status)}
                              {open}
                              {d.attempts}
                              {close}
                              {d.lastError === null
                                ? ''
                                : ` — ${t('lastError')}${t('colon')}${d.lastError === 'channel removed' ? t('channelRemoved') : d.lastError}`}
                            </li>
                          ))}
                        </ul>
                      </li>
                    );
                  })}
                </ul>
              )}
            </>
          )}
        </Loaded>
      </section>
    </div>
  );
}
