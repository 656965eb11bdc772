import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { Empty, Loaded } from '../states.js';
import type { Me } from '../types.js';
import { useLoad } from '../use-load.js';

type Worded = { zh?: unknown; en?: unknown };

/** The server's message in the page's language: its details carry both (one problem, or a list of them). */
function messageOf(err: unknown, lang: 'zh' | 'en'): string {
  if (err instanceof ApiError && typeof err.details === 'object' && err.details !== null) {
    const list: Worded[] = Array.isArray(err.details) ? (err.details as Worded[]) : [err.details as Worded];
    const parts = list.map((d) => (lang === 'en' ? d.en : d.zh));
    if (parts.length > 0 && parts.every((p) => typeof p === 'string'))
      return parts.join(lang === 'en' ? '; ' : '；');
  }
  return err instanceof Error ? err.message : String(err);
}

/** Password change (with the policy and the 90-day reminder), API tokens, users and roles. */
export function AccountPage(props: { me: Me; onChanged: () => Promise<void> }) {
  return (
    <div className="account">
      <PasswordForm me={props.me} onChanged={props.onChanged} />
      <Tokens />
      <Users me={props.me} />
    </div>
  );
}

function PasswordForm(props: { me: Me; onChanged: () => Promise<void> }) {
  const { t, lang } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('/api/v1/auth/password', { json: { currentPassword: current, newPassword: next } });
      setNote({ ok: true, text: t('passwordChanged') });
      setCurrent('');
      setNext('');
      await props.onChanged();
    } catch (err) {
      setNote({ ok: false, text: messageOf(err, lang) });
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)}>
      <h2>{t('changePassword')}</h2>
      <p className="muted">
        {props.me.email} · {t('lastChanged')} {shanghaiTime(props.me.passwordChangedAt)}
      </p>
      <p className={props.me.passwordChangeDue ? 'banner' : 'muted'}>{t('policy')}</p>
      <label>
        {t('currentPassword')}
        <input
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </label>
      <label>
        {t('newPassword')}
        <input
          type="password"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
      </label>
      {note === null ? null : <p className={note.ok ? 'ok' : 'error'}>{note.text}</p>}
      <button type="submit" className="primary">
        {t('changePassword')}
      </button>
    </form>
  );
}

interface Token {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function Tokens() {
  const { t } = useI18n();
  const [load, reload] = useLoad('tokens', () => api<{ tokens: Token[] }>('/api/v1/tokens'));
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const answer = await api<{ token: string }>('/api/v1/tokens', { json: { name: name || 'api' } });
      setSecret(answer.token);
      setName('');
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const revoke = async (id: number) => {
    try {
      await api(`/api/v1/tokens/${id}`, { method: 'DELETE' });
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <section className="card">
      <h2>{t('tokens')}</h2>
      <form className="toolbar" onSubmit={(e) => void create(e)}>
        <input
          placeholder={t('tokenName')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-label={t('tokenName')}
        />
        <button type="submit">{t('createToken')}</button>
      </form>
      {secret === null ? null : (
        <p className="banner" data-testid="token-secret">
          {t('tokenOnce')} <code>{secret}</code>
        </p>
      )}
      {error === null ? null : <p className="error">{error}</p>}
      <Loaded load={load} reload={reload}>
        {(data) =>
          data.tokens.length === 0 ? (
            <Empty>{t('noTokens')}</Empty>
          ) : (
            <ul className="list">
              {data.tokens.map((tok) => (
                <li key={tok.id}>
                  <b>{tok.name}</b> · {t('created')} {shanghaiTime(tok.createdAt)} · {t('lastUsed')}{' '}
                  {tok.lastUsedAt === null ? t('never') : shanghaiTime(tok.lastUsedAt)}{' '}
                  {tok.revokedAt === null ? (
                    <button type="button" onClick={() => void revoke(tok.id)}>
                      {t('revoke')}
                    </button>
                  ) : (
                    <span className="muted">{t('revoked')}</span>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

interface VisibleUser {
  id: number;
  email: string;
  role: string;
  memberships: { merchantId: number; role: string }[];
}

function Users(props: { me: Me }) {
  const { t, lang } = useI18n();
  const [load, reload] = useLoad('users', () => api<{ users: VisibleUser[] }>('/api/v1/users'));
  const writable = props.me.merchants.filter((m) => m.role !== 'staff');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('staff');
  const [chosen, setChosen] = useState<number[]>([]);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const roleName = (r: string) =>
    r === 'owner' ? t('roleOwner') : r === 'agent' ? t('roleAgent') : t('roleStaff');
  const names = new Map(props.me.merchants.map((m) => [m.id, m.name]));
  const invite = async (e: FormEvent) => {
    e.preventDefault();
    setNote(null);
    try {
      const answer = await api<{ temporaryPassword?: string }>('/api/v1/users', {
        json: { email, role, merchantIds: chosen },
      });
      setNote({
        ok: true,
        text:
          answer.temporaryPassword === undefined
            ? t('done')
            : `${t('temporaryPassword')} ${answer.temporaryPassword}`,
      });
      setEmail('');
      reload();
    } catch (err) {
      setNote({ ok: false, text: messageOf(err, lang) });
    }
  };
  return (
    <section className="card">
      <h2>{t('users')}</h2>
      <Loaded load={load} reload={reload}>
        {(data) =>
          data.users.length === 0 ? (
            <Empty>{t('noUsers')}</Empty>
          ) : (
            <ul className="list">
              {data.users.map((u) => (
                <li key={u.id}>
                  <b>{u.email}</b> ·{' '}
                  {u.memberships
                    .map((m) => `${names.get(m.merchantId) ?? m.merchantId}: ${roleName(m.role)}`)
                    .join('，')}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {writable.length === 0 ? null : (
        <form onSubmit={(e) => void invite(e)}>
          <h3>{t('invite')}</h3>
          <label>
            {t('email')}
            <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            {t('role')}
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="staff">{t('roleStaff')}</option>
              <option value="owner">{t('roleOwner')}</option>
              <option value="agent">{t('roleAgent')}</option>
            </select>
          </label>
          <fieldset>
            <legend>{t('merchants')}</legend>
            {writable.map((m) => (
              <label key={m.id} className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(m.id)}
                  onChange={(e) =>
                    setChosen((list) => (e.target.checked ? [...list, m.id] : list.filter((x) => x !== m.id)))
                  }
                />
                {m.name}
              </label>
            ))}
          </fieldset>
          {note === null ? null : <p className={note.ok ? 'ok' : 'error'}>{note.text}</p>}
          <button type="submit" className="primary" disabled={chosen.length === 0}>
            {t('invite')}
          </button>
        </form>
      )}
    </section>
  );
}
