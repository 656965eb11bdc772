import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import type { Merchant } from '../types.js';

/** Creates a merchant and opens its upload page. */
export function NewMerchantPage(props: { onCreated: () => Promise<void> }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  // An upload whose lines named a merchant number the user has no shop for links here with that number.
  const [code, setCode] = useState(() => new URLSearchParams(location.search).get('merchantId') ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const m = await api<Merchant>('/api/v1/merchants', {
        json: code.trim() === '' ? { name } : { name, merchantId: code.trim() },
      });
      await props.onCreated();
      navigate(`/m/${m.id}/upload`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card narrow" onSubmit={(e) => void submit(e)}>
      <h2>{t('newMerchant')}</h2>
      <label>
        {t('merchantName')}
        <input name="name" required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('merchantNo')}
        <input name="merchantId" value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      {error === null ? null : (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t('create')}
      </button>
    </form>
  );
}
