import { useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api.js';
import { formatFen } from '../format.js';
import { useI18n } from '../i18n.js';
import { Loaded } from '../states.js';
import type { Merchant, PlanIssue } from '../types.js';
import { useLoad } from '../use-load.js';

interface Check {
  ok: boolean;
  errors: PlanIssue[];
  warnings?: PlanIssue[];
}

interface Preview extends Check {
  sales?: number;
  unpriced?: number;
  chargedFeeFen?: number;
  plannedFeeFen?: number;
  differenceFen?: number;
  proposed?: { lossFen: number; overchargeFen: number };
  current?: { lossFen: number; overchargeFen: number };
}

const TEMPLATE = `# 费率方案 / fee plan（示例见 examples/plan.yaml）
rounding: half-up
notice: 30
periods:
  - from: 2026-01-01
    rates:
      - { channel: [card, nfc, unionpay-qr], card: debit, rate: 0.55%, cap: 20 }
      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.60% }
      - { channel: [wechat, alipay], rate: 0.38% }
`;

/** YAML editor with live validation by the server (as `posguard plan check`), save, and a preview. */
export function PlanPage(props: { merchant: Merchant }) {
  const id = props.merchant.id;
  const [stored, reload] = useLoad(`plan-${id}`, async () => {
    try {
      return (await api<{ text: string; version: number }>(`/api/v1/merchants/${id}/plan`)).text;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return TEMPLATE;
      throw error;
    }
  });
  return (
    <Loaded load={stored} reload={reload}>
      {(text) => <PlanEditor merchantId={id} initial={text} key={`${id}-${text.length}`} />}
    </Loaded>
  );
}

function PlanEditor(props: { merchantId: number; initial: string }) {
  const { t, lang } = useI18n();
  const [text, setText] = useState(props.initial);
  const [check, setCheck] = useState<Check | 'checking' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | 'loading' | null>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    setCheck('checking');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      api<Check>(`/api/v1/plans/check?lang=${lang}`, { yaml: text, signal: controller.signal }).then(
        setCheck,
        (err: unknown) => {
          if (!controller.signal.aborted) setError(err instanceof Error ? err.message : String(err));
        },
      );
    }, 400);
    return () => {
      controller.abort();
      window.clearTimeout(timer.current);
    };
  }, [text, lang]);

  const save = async () => {
    setError(null);
    setSaved(null);
    try {
      const answer = await api<{ version: number }>(`/api/v1/merchants/${props.merchantId}/plan`, {
        method: 'PUT',
        yaml: text,
      });
      setSaved(`${t('saved')} (${t('version')} ${answer.version})`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const runPreview = async () => {
    setPreview('loading');
    try {
      setPreview(
        await api<Preview>(`/api/v1/merchants/${props.merchantId}/plan/preview?lang=${lang}`, { yaml: text }),
      );
    } catch (err) {
      setPreview(null);
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const issues = check !== null && check !== 'checking' ? [...check.errors, ...(check.warnings ?? [])] : [];
  return (
    <div className="plan-editor">
      <h2>{t('planEditor')}</h2>
      <textarea
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={20}
        wrap="off"
        aria-label={t('planEditor')}
        data-testid="plan-yaml"
      />
      <div className="validation" data-testid="plan-validation" aria-live="polite">
        {check === 'checking' || check === null ? (
          <span className="muted">{t('checking')}</span>
        ) : check.ok ? (
          <span className="ok">✓ {t('valid')}</span>
        ) : null}
        {issues.length === 0 ? null : (
          <ul className="issues">
            {issues.map((i) => (
              <li key={i.text} className={check !== 'checking' && check?.ok === false ? 'error' : 'warning'}>
                {i.text}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={check === 'checking' || check?.ok !== true}
          onClick={() => void save()}
        >
          {t('save')}
        </button>
        <button
          type="button"
          disabled={check === 'checking' || check?.ok !== true}
          onClick={() => void runPreview()}
        >
          {t('preview')}
        </button>
        {saved === null ? null : <span className="ok">{saved}</span>}
      </div>
      {error === null ? null : (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {preview === 'loading' ? <p className="state loading">{t('loading')}</p> : null}
      {preview !== null && preview !== 'loading' && preview.ok ? (
        <section className="card" data-testid="plan-preview">
          <h3>{t('preview')}</h3>
          <table className="arithmetic">
            <tbody>
              <tr>
                <th>
                  {preview.sales} {t('previewSales')} · {t('chargedFee')}
                </th>
                <td className="num">{formatFen(preview.chargedFeeFen ?? 0)}</td>
              </tr>
              <tr>
                <th>{t('plannedFee')}</th>
                <td className="num">{formatFen(preview.plannedFeeFen ?? 0)}</td>
              </tr>
              <tr className="diff">
                <th>{t('difference')}</th>
                <td className="num">{formatFen(preview.differenceFen ?? 0)}</td>
              </tr>
              <tr>
                <th>{t('lossUnderPlan')}</th>
                <td className="num">{formatFen(preview.proposed?.lossFen ?? 0)}</td>
              </tr>
              <tr>
                <th>{t('currentLoss')}</th>
                <td className="num">{formatFen(preview.current?.lossFen ?? 0)}</td>
              </tr>
            </tbody>
          </table>
          {preview.unpriced === 0 ? null : (
            <p className="muted">
              {preview.unpriced} {t('unpriced')}
            </p>
          )}
        </section>
      ) : null}
    </div>
  );
}
