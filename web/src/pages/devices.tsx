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
  return (
    <Loaded load={load} reload={reload}>
      {(list) => (
        <div>
          <section className="card">
            <h3>{t('devices')}</h3>
            {list.devices.length === 0 ? (
              <Empty>
                <p>{t('noDevices')}</p>
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
  );
}
