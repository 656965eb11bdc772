import { type DragEvent, useRef, useState } from 'react';
import { ApiError, sendWithProgress } from '../api.js';
import { fillIn } from '../format.js';
import { PRESET_NAMES, useI18n } from '../i18n.js';
import type { Merchant, PlanIssue } from '../types.js';
import { type Landing, landingCounts, type Unassigned, uploadOutcome } from '../upload-landings.js';
import { ImportsCard, KIND_WORDS, OtherNumbersList } from './imports.js';

interface Rejected {
  row: number;
  column?: string;
  reason: string;
  reasonEn: string;
}
interface FileSummary {
  file: string;
  preset: string;
  encoding: string;
  kind: string;
  rows: number;
  rejected: Rejected[];
  warnings: { message: string; messageEn: string }[];
}
interface ImportAnswer {
  importId: number;
  duplicate: boolean;
  landings?: Landing[];
  /** Lines naming a merchant number the uploader has no shop for: not stored anywhere. */
  unassigned?: Unassigned[];
  /** Monitor alerts the statement raised on arrival (overcharges, rate changes). */
  alerts?: number;
  files: FileSummary[];
}

type Upload = {
  key: number;
  name: string;
  progress: number;
  /** `partial` / `nothing`: some / all lines named a merchant number the uploader has no shop for. */
  state: 'uploading' | 'done' | 'partial' | 'nothing' | 'failed';
  result?: ImportAnswer;
  plan?: { version: number };
  error?: string;
  issues?: PlanIssue[];
};

const KINDS = ['terminal', 'settlement', 'bank'] as const;
const PRESETS = [
  'generic',
  'bank-generic',
  'wechat',
  'alipay',
  'leshua',
  'leshua-payout',
  'unionpay-zm',
  'lcsw',
] as const;

let nextKey = 1;

const STATE_WORDS = {
  uploading: 'uploading',
  done: 'done',
  partial: 'partlyImported',
  nothing: 'nothingImported',
  failed: 'failed',
} as const satisfies Record<Upload['state'], string>;

/** Drop several files (or pick them on a phone); each uploads with its own progress and result. */
export function UploadPage(props: { merchant: Merchant }) {
  const { t, lang, named } = useI18n();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [kind, setKind] = useState('');
  const [preset, setPreset] = useState('');
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = props.merchant.id;
  const kindWord = (k: string) => KIND_WORDS[k]?.[lang === 'en' ? 1 : 0] ?? k;
  // The list of imported files is read again each time an upload ends.
  const finished = uploads.filter((u) => u.state !== 'uploading').length;

  const update = (key: number, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const send = async (file: File) => {
    const key = nextKey++;
    setUploads((list) => [...list, { key, name: file.name, progress: 0, state: 'uploading' }]);
    const progress = (fraction: number) => update(key, { progress: fraction });
    try {
      if (/\.ya?ml$/i.test(file.name)) {
        const answer = await sendWithProgress<{ version: number }>(
          'PUT',
          `/api/v1/merchants/${id}/plan`,
          await file.text(),
          'application/yaml',
          progress,
        );
        update(key, { state: 'done', plan: answer });
      } else {
        const form = new FormData();
        if (kind !== '') form.append('kind', kind);
        if (preset !== '') form.append('preset', preset);
        form.append('file', file, file.name);
        const answer = await sendWithProgress<ImportAnswer>(
          'POST',
          `/api/v1/merchants/${id}/statements`,
          form,
          undefined,
          progress,
        );
        update(key, { state: uploadOutcome(answer), result: answer });
      }
    } catch (err) {
      const issues =
        err instanceof ApiError && Array.isArray(err.details) ? (err.details as PlanIssue[]) : undefined;
      update(key, {
        state: 'failed',
        error: err instanceof Error ? err.message : String(err),
        ...(issues === undefined ? {} : { issues }),
      });
    }
  };
  // Sequential, so a journal and its statement land in the order dropped and the server is not flooded.
  const sendAll = async (files: FileList | File[]) => {
    for (const f of Array.from(files)) await send(f);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void sendAll(e.dataTransfer.files);
  };

  if (props.merchant.role === 'staff') return <p className="state empty">{t('staffReadOnly')}</p>;
  return (
    <div className="upload">
      <div className="toolbar">
        <label>
          {t('kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="upload-kind">
            <option value="">{t('auto')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kindWord(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('preset')}
          <select value={preset} onChange={(e) => setPreset(e.target.value)} data-testid="upload-preset">
            <option value="">{t('auto')}</option>
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {named(PRESET_NAMES, p)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target; the button inside is the keyboard path. */}
      <section
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          {t('dropHere')}{' '}
          <button type="button" className="primary" onClick={() => input.current?.click()}>
            {t('chooseFiles')}
          </button>
        </p>
        <p className="muted">{t('uploadHint')}</p>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            if (e.target.files !== null) void sendAll(Array.from(e.target.files));
            e.target.value = '';
          }}
        />
      </section>
      <ul className="uploads" data-testid="uploads">
        {uploads.map((u) => (
          <li key={u.key} className={u.state} data-file={u.name} data-state={u.state}>
            <div className="upload-head">
              <b>{u.name}</b>
              <span className="upload-state">{t(STATE_WORDS[u.state])}</span>
            </div>
            <progress max={1} value={u.progress} />
            {u.plan === undefined ? null : (
              <p className="ok">
                {t('planSaved')} ({t('version')} {u.plan.version})
              </p>
            )}
            {u.error === undefined ? null : <p className="error">{u.error}</p>}
            {u.issues === undefined ? null : (
              <ul className="issues">
                {u.issues.map((i) => (
                  <li key={`${i.path}${i.line ?? ''}${i.code}`}>
                    {i.line === undefined ? '' : `${t('row')} ${i.line} `}
                    {i.path} {lang === 'en' ? i.en : i.zh}
                  </li>
                ))}
              </ul>
            )}
            {u.result === undefined ? null : (
              <ImportResult
                answer={u.result}
                merchant={props.merchant}
                kindWord={kindWord}
                nothing={u.state === 'nothing'}
              />
            )}
          </li>
        ))}
      </ul>
      {/* An import whose lines were another merchant number's says so in the list too (kept with the import). */}
      <ImportsCard merchant={props.merchant} refreshKey={finished} />
    </div>
  );
}

function ImportResult(props: {
  answer: ImportAnswer;
  merchant: Merchant;
  kindWord: (k: string) => string;
  nothing: boolean;
}) {
  const { t, lang, named } = useI18n();
  // Lines an agent's file holds for the uploader's other shops went to those shops: they were not skipped here.
  const { alreadyStored: skipped, otherShops } = landingCounts(props.answer.landings, props.merchant.id);
  return (
    <div className="import-result">
      {props.answer.duplicate ? <p className="muted">{t('duplicateFile')}</p> : null}
      <OtherNumbers
        unassigned={props.answer.duplicate ? [] : (props.answer.unassigned ?? [])}
        merchant={props.merchant}
        nothing={props.nothing}
      />
      {(props.answer.alerts ?? 0) === 0 ? null : (
        <p className="loss" data-testid="upload-alerts">
          {props.answer.alerts} {t('uploadAlerts')}
        </p>
      )}
      {skipped === 0 ? null : (
        <p className="muted" data-testid="already-stored">
          {skipped} {t('alreadyStored')}
        </p>
      )}
      {otherShops === 0 ? null : (
        <p className="muted" data-testid="other-shops">
          {otherShops} {t('linesOfOtherShops')}
        </p>
      )}
      {props.answer.files.map((f) => (
        <div key={f.file}>
          <dl className="facts">
            <dt>{t('preset')}</dt>
            <dd data-testid="detected-preset" data-preset={f.preset}>
              {named(PRESET_NAMES, f.preset)}
            </dd>
            <dt>{t('kind')}</dt>
            <dd>{props.kindWord(f.kind)}</dd>
            <dt>{t('encoding')}</dt>
            <dd>{f.encoding}</dd>
            <dt>{t('rows')}</dt>
            <dd>{f.rows}</dd>
            <dt>{t('rejected')}</dt>
            <dd>{f.rejected.length}</dd>
          </dl>
          {f.rejected.length === 0 ? null : (
            <div className="table-wrap">
              <table className="rejected">
                <thead>
                  <tr>
                    <th>{t('row')}</th>
                    <th>{t('column')}</th>
                    <th>{t('reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {f.rejected.slice(0, 200).map((r) => (
                    <tr key={`${r.row}-${r.column ?? ''}`}>
                      <td>{r.row}</td>
                      <td>{r.column ?? ''}</td>
                      <td>{lang === 'en' ? r.reasonEn : r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {f.warnings.length === 0 ? null : (
            <ul className="warnings">
              {f.warnings.map((w) => (
                <li key={w.message}>{lang === 'en' ? w.messageEn : w.message}</li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}

/** How many merchant numbers an upload's result names one by one (an agent's file may hold hundreds). */
const NAMED_NUMBERS = 20;

/**
 * The lines of an upload whose merchant number is not this merchant's (nor another shop of the uploader's): how
 * many of each number, that they were not imported, and what to do — upload under that merchant, or create it.
 */
function OtherNumbers(props: { unassigned: readonly Unassigned[]; merchant: Merchant; nothing: boolean }) {
  const { t } = useI18n();
  if (props.unassigned.length === 0) return null;
  const own = props.merchant.merchantId;
  return (
    <div className="other-numbers" role="alert" data-testid="other-merchant-lines">
      <p>
        {own === null
          ? fillIn(t('otherNumbersHeadNoCode'), { name: props.merchant.name })
          : fillIn(t('otherNumbersHead'), { name: props.merchant.name, code: own })}
      </p>
      <OtherNumbersList numbers={props.unassigned} named={NAMED_NUMBERS} />
      <p>{t('otherNumbersAdvice')}</p>
      {props.nothing ? <p data-testid="nothing-stored-here">{t('nothingStoredHere')}</p> : null}
    </div>
  );
}
