import type { ReactNode } from 'react';
import { useI18n } from './i18n.js';
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
