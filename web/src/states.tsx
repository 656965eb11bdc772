import type { ReactNode } from 'react';
import { useI18n } from './i18n.js';
import { Link } from './router.js';
import type { AuditReport } from './types.js';
import type { Load } from './use-load.js';

/** The loading and error states every page shows the same way; children render the data. */
export function Loaded<T>(props: { load: Load<T>; reload?: () => void; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (props.load.state === 'loading')
    return (
      <p className="state loading" role="status">
        {t('loading')}
      </p>
    );
  if (props.load.state === 'error')
    return (
      <div className="state error" role="alert">
        <p>
          {t('error')}: {props.load.error.message}
        </p>
        {props.reload === undefined ? null : (
          <button type="button" onClick={props.reload}>
            {t('retry')}
          </button>
        )}
      </div>
    );
  return <>{props.children(props.load.data)}</>;
}

/** The empty state. */
export function Empty(props: { children: ReactNode }) {
  return <div className="state empty">{props.children}</div>;
}

/** Whether anything was imported: an audit of nothing finds nothing, which is not a clean bill. */
export function hasRecords(report: AuditReport): boolean {
  const s = report.summary;
  return s.terminalRecords + s.settlementRecords + s.bankRecords > 0;
}

/** A merchant with nothing imported yet: say so, and offer the upload. */
export function NoData(props: { merchantId: number }) {
  const { t } = useI18n();
  return (
    <Empty>
      <p data-testid="no-data">{t('noData')}</p>
      <Link to={`/m/${props.merchantId}/upload`} className="button primary">
        {t('goUpload')}
      </Link>
    </Empty>
  );
}
