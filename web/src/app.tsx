import { type ReactNode, useEffect, useState } from 'react';
import { api, setUnauthenticatedHandler } from './api.js';
import { useI18n } from './i18n.js';
import { AccountPage } from './pages/account.js';
import { AlertsPage } from './pages/alerts.js';
import { CasesPage } from './pages/cases.js';
import { ComparePage } from './pages/compare.js';
import { DevicesPage } from './pages/devices.js';
import { FindingPage } from './pages/finding.js';
import { FindingsPage } from './pages/findings.js';
import { LoginPage } from './pages/login.js';
import { NewMerchantPage } from './pages/new-merchant.js';
import { OverviewPage } from './pages/overview.js';
import { PlanPage } from './pages/plan.js';
import { PortfolioPage } from './pages/portfolio.js';
import { RateChangesPage } from './pages/rate-changes.js';
import { UploadPage } from './pages/upload.js';
import { currentPath, Link, navigate, usePath } from './router.js';
import type { Me } from './types.js';

type Session = { state: 'loading' } | { state: 'out' } | { state: 'in'; me: Me };

/** The dashboard: the login page, or the signed-in layout with the page the path names. */
export function App() {
  const { t, lang, setLang } = useI18n();
  const shownPath = usePath();
  const path = currentPath(shownPath);
  const [session, setSession] = useState<Session>({ state: 'loading' });

  // The session probe answers 200 with `user: null` when no one is signed in: GET /api/v1/me's 401 would be
  // logged by the browser as a failed resource on every visit to the login page.
  const refreshMe = async () => {
    try {
      const { user } = await api<{ user: Me | null }>('/api/v1/auth/session');
      setSession(user === null ? { state: 'out' } : { state: 'in', me: user });
    } catch {
      setSession({ state: 'out' });
    }
  };
  useEffect(() => {
    if (path !== shownPath) navigate(`${path}${location.search}${location.hash}`, true);
  }, [path, shownPath]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on mount.
  useEffect(() => {
    setUnauthenticatedHandler(() => setSession({ state: 'out' }));
    void refreshMe();
  }, []);

  const firstId = session.state === 'in' ? session.me.merchants[0]?.id : undefined;
  useEffect(() => {
    if (session.state !== 'in' || (path !== '/' && path !== '/login')) return;
    if (firstId !== undefined) navigate(`/m/${firstId}`, true);
    else if (path === '/login') navigate('/', true);
  }, [path, session.state, firstId]);

  const langButton = (
    <button type="button" className="lang" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
      {t('switchLang')}
    </button>
  );

  if (session.state === 'loading') return <p className="state loading">{t('loading')}</p>;
  if (session.state === 'out')
    return <LoginPage langButton={langButton} onLogin={(me) => setSession({ state: 'in', me })} />;

  const me = session.me;
  const match = /^\/m\/(\d+)(?:\/([a-z-]+))?(?:\/(.+))?$/.exec(path);
  const merchantId = match === null ? undefined : Number(match[1]);
  const section = match?.[2] ?? 'overview';
  const current = me.merchants.find((m) => m.id === merchantId);
  const first = me.merchants[0];

  const logout = async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST', json: {} });
    } finally {
      setSession({ state: 'out' });
      navigate('/login', true);
    }
  };

  let page: ReactNode;
  if (path === '/' && first === undefined) page = <NewMerchantPage onCreated={refreshMe} />;
  else if (path === '/new') page = <NewMerchantPage onCreated={refreshMe} />;
  else if (path === '/portfolio') page = <PortfolioPage />;
  else if (path === '/account') page = <AccountPage me={me} onChanged={refreshMe} />;
  else if (merchantId !== undefined && current !== undefined) {
    if (section === 'overview') page = <OverviewPage merchant={current} />;
    else if (section === 'upload') page = <UploadPage merchant={current} />;
    else if (section === 'findings' && match?.[3] !== undefined)
      page = <FindingPage merchant={current} findingId={decodeURIComponent(match[3])} />;
    else if (section === 'findings') page = <FindingsPage merchant={current} />;
    else if (section === 'rates') page = <RateChangesPage merchant={current} />;
    else if (section === 'plan') page = <PlanPage merchant={current} />;
    else if (section === 'alerts')
      page = (
        <AlertsPage
          merchant={current}
          {...(match?.[3] === undefined ? {} : { alertId: Number(match[3]) })}
          key={match?.[3] ?? ''}
        />
      );
    else if (section === 'compare') page = <ComparePage merchant={current} />;
    else if (section === 'cases') page = <CasesPage merchant={current} />;
    else if (section === 'devices') page = <DevicesPage merchant={current} />;
  }
  page ??= <p className="state empty">{t('notFound')}</p>;

  const base =
    current === undefined ? (first === undefined ? undefined : `/m/${first.id}`) : `/m/${current.id}`;
  return (
    <div className="layout">
      <header className="top">
        <Link to="/" className="brand">
          {t('brand')}
        </Link>
        {me.merchants.length === 0 ? null : (
          <select
            aria-label={t('merchant')}
            data-testid="merchant-picker"
            value={current?.id ?? ''}
            onChange={(e) => {
              const value = e.target.value;
              if (value === 'new') navigate('/new');
              else
                navigate(
                  `/m/${value}${section === 'overview' || match?.[3] !== undefined ? '' : `/${section}`}`,
                );
            }}
          >
            {current === undefined ? <option value="">{t('merchant')}…</option> : null}
            {me.merchants.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
            <option value="new">+ {t('newMerchant')}</option>
          </select>
        )}
        <span className="spacer" />
        {langButton}
        <button type="button" onClick={() => void logout()} data-testid="logout">
          {t('logout')}
        </button>
      </header>
      {base === undefined ? null : (
        <nav className="tabs">
          <Link to={base}>{t('navOverview')}</Link>
          <Link to={`${base}/upload`}>{t('navUpload')}</Link>
          <Link to={`${base}/findings`}>{t('navFindings')}</Link>
          <Link to={`${base}/rates`}>{t('navRates')}</Link>
          <Link to={`${base}/plan`}>{t('navPlan')}</Link>
          <Link to={`${base}/alerts`}>{t('navAlerts')}</Link>
          <Link to={`${base}/compare`}>{t('navCompare')}</Link>
          <Link to={`${base}/cases`}>{t('navCases')}</Link>
          <Link to={`${base}/devices`}>{t('navDevices')}</Link>
          <Link to="/portfolio">{t('navPortfolio')}</Link>
          <Link to="/account">{t('navAccount')}</Link>
        </nav>
      )}
      {me.passwordChangeDue ? (
        <div className="banner" role="alert" data-testid="password-banner">
          {t('passwordDue')} <Link to="/account">{t('changeNow')}</Link>
        </div>
      ) : null}
      <main>{page}</main>
    </div>
  );
}
