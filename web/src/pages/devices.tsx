import { useRef, useState } from 'react';
import { api } from '../api.js';
import { formatFen } from '../format.js';
import { type TextKey, useI18n } from '../i18n.js';
import { Empty, Loaded } from '../states.js';
import type { DeviceList, Merchant } from '../types.js';
import { useLoad } from '../use-load.js';

/** The terminal registry: inspection status and the audit's findings per terminal (issue 10). */
export function DevicesPage(props: { merchant: Merchant }) {
  const { t } = useI18n();
  const id = props.merchant.id;
  const [load, reload] = useLoad(`devices-${id}`, () => api<DeviceList>(`/api/v1/merchants/${id}/devices`));
  // The import sits outside the list's loading state, so what it reported stays shown while the list is read again.
  return (
    <>
      <Loaded load={load} reload={reload}>
        {(list) => (
          <div>
            <section className="card">
              <h3>{t('devices')}</h3>
              {list.devices.length === 0 ? (
                <Empty>
                  <p data-testid="no-devices">{t('noDevices')}</p>
                </Empty>
              ) : (
                <div className="table-wrap">
                  <table data-testid="devices-table">
                    <thead>
                      <tr>
                        <th>{t('terminal')}</th>
                        <th>{t('model')}</th>
                        <th>{t('provider')}</th>
                        <th>{t('inspection')}</th>
                        <th>{t('nextDue')}</th>
                        <th className="num">{t('findingsCount')}</th>
                        <th className="num">{t('loss')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.devices.map((d) => (
                        <tr key={d.id} data-terminal={d.terminalId}>
                          <td>{d.terminalId}</td>
                          <td>{d.model ?? ''}</td>
                          <td>{d.provider ?? ''}</td>
                          <td
                            className={
                              d.inspection.status === 'overdue' || d.inspection.status === 'never'
                                ? 'loss'
                                : undefined
                            }
                          >
                            {t(`inspection_${d.inspection.status}` as TextKey)}
                          </td>
                          <td>{d.inspection.nextDue ?? ''}</td>
                          <td className="num">{d.findings.findings}</td>
                          <td className="num loss">{formatFen(d.findings.lossFen)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
            {(list.unregistered ?? []).length === 0 ? null : (
              <section className="card">
                <h3>{t('unregistered')}</h3>
                <ul data-testid="unregistered">
                  {(list.unregistered ?? []).map((u) => (
                    <li key={u.terminalId}>
                      {u.terminalId}: {u.findings} · {formatFen(u.lossFen)}
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </div>
        )}
      </Loaded>
      {props.merchant.role === 'staff' ? null : <DevicesImport merchantId={id} onImported={reload} />}
    </>
  );
}

/** A terminal register (devices.yaml, as the simulator or the provider's list gives it) chosen and sent. */
function DevicesImport(props: { merchantId: number; onImported: () => void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const send = async (file: File) => {
    setNote(null);
    try {
      const answer = await api<{ terminals: string[] }>(
        `/api/v1/merchants/${props.merchantId}/devices/import`,
        {
          yaml: await file.text(),
        },
      );
      setNote({ ok: true, text: `${t('devicesImported')}${t('colon')}${answer.terminals.join(', ')}` });
      props.onImported();
    } catch (error) {
      setNote({ ok: false, text: (error as Error).message });
    }
  };
  return (
    <div className="card toolbar">
      <button type="button" onClick={() => input.current?.click()}>
        {t('importDevices')}
      </button>
      <input
        ref={input}
        type="file"
        accept=".yaml,.yml"
        hidden
        data-testid="devices-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file !== undefined) void send(file);
          e.target.value = '';
        }}
      />
      {note === null ? null : (
        <span className={note.ok ? 'ok' : 'error'} role="status" data-testid="devices-import-note">
          {note.text}
        </span>
      )}
    </div>
  );
}
