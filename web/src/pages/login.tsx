import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, api } from '../api.js';
import { useI18n } from '../i18n.js';
import type { Me } from '../types.js';

/** Email + password; on success the server sets the HttpOnly session cookie. */
export function LoginPage(props: { onLogin: (me: Me) => void; langButton: ReactNode }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ user: Me }>('/api/v1/auth/login', { json: { email, password } });
      props.onLogin(answer.user);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <div className="login-top">{props.langButton}</div>
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h1>{t('brand')}</h1>
        <label>
          {t('email')}
          <input
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error === null ? null : (
          <p className="error" role="alert">
            {t('loginFailed')}
            {t('colon')}
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('loading') : t('login')}
        </button>
      </form>
    </div>
  );
}
