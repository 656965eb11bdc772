import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { formatFen, shanghaiTime } from '../format.js';
import {
  ALERT_KIND_NAMES,
  CHANNEL_LANGUAGE_NAMES,
  CHANNEL_TYPE_NAMES,
  DELIVERY_STATUS_NAMES,
  SEVERITY_NAMES,
  useI18n,
} from '../i18n.js';
import { Empty, Loaded } from '../states.js';
import type { Alert, AlertChannel, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

const CHANNEL_TYPES = ['webhook', 'wecom', 'dingtalk', 'feishu', 'email'] as const;
/** What a channel's messages are sent in (src/storage/alerts-repo.ts CHANNEL_LANGUAGES); zh unless chosen. */
const CHANNEL_LANGUAGES = ['zh', 'en', 'both'] as const;
type ChannelLanguage = (typeof CHANNEL_LANGUAGES)[number];
/** A channel as the API lists it, with the language it is sent in. */
type Channel = AlertChannel & { language: ChannelLanguage };

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
  const [channels, reloadChannels] = useLoad(`channels-${id}`, () =>
    api<{ channels: Channel[] }>(`/api/v1/merchants/${id}/alert-channels`),
  );
  const linked = useRef<HTMLLIElement>(null);
  const scrolledTo = useRef<number | undefined>(undefined);
  // Scrolled to once the channels above it are in too (they would push it out of sight arriving later), and only
  // once: changing a channel reloads them, and must not pull the reader back to the alert.
  useEffect(() => {
    if (alerts.state !== 'ready' || channels.state === 'loading') return;
    if (linked.current === null || scrolledTo.current === props.alertId) return;
    scrolledTo.current = props.alertId;
    linked.current.scrollIntoView({ block: 'center' });
    linked.current.focus();
  }, [alerts.state, channels.state, props.alertId]);
  const [open, close] = lang === 'en' ? [' (', ')'] : ['（', '）'];
  const [type, setType] = useState<(typeof CHANNEL_TYPES)[number]>('webhook');
  const [chosenLanguage, setLanguage] = useState<ChannelLanguage | undefined>(undefined);
  // A new channel is sent in the dashboard's language, the one shown now, unless chosen otherwise.
  const language = chosenLanguage ?? lang;
  const [target, setTarget] = useState('');
  const [secret, setSecret] = useState('');
  const [problem, setProblem] = useState('');

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setProblem('');
    const body =
      type === 'email'
        ? { type, address: target.trim(), language }
        : { type, url: target.trim(), language, ...(secret === '' ? {} : { secret }) };
    try {
      await api(`/api/v1/merchants/${id}/alert-channels`, { json: body });
      setTarget('');
      setSecret('');
      reloadChannels();
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  const changeLanguage = async (channelId: number, next: ChannelLanguage) => {
    setProblem('');
    try {
      await api(`/api/v1/merchants/${id}/alert-channels/${channelId}`, {
        method: 'PATCH',
        json: { language: next },
      });
      reloadChannels();
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  const languageChoices = CHANNEL_LANGUAGES.map((l) => (
    <option key={l} value={l}>
      {named(CHANNEL_LANGUAGE_NAMES, l)}
    </option>
  ));
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
                  <li key={c.id} data-channel-type={c.type} data-language={c.language}>
                    {named(CHANNEL_TYPE_NAMES, c.type)} · {c.target} {c.hasSecret ? '🔑' : ''}{' '}
                    <label>
                      {t('channelLanguage')}
                      {t('colon')}
                      <select
                        aria-label={t('channelLanguage')}
                        name="language"
                        value={c.language}
                        onChange={(e) => void changeLanguage(c.id, e.target.value as ChannelLanguage)}
                      >
                        {languageChoices}
                      </select>
                    </label>{' '}
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
          <label>
            {t('channelLanguage')}
            {t('colon')}
            <select
              aria-label={t('channelLanguage')}
              name="language"
              value={language}
              onChange={(e) => setLanguage(e.target.value as ChannelLanguage)}
            >
              {languageChoices}
            </select>
          </label>
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
