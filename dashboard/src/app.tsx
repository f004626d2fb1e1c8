import { useEffect, useState } from 'preact/hooks';
import { type AuthState, can, clearAuth, getAuth, onAuthChange } from './api/auth.ts';
import { api, seg } from './api/client.ts';
import { useLiveConnection } from './api/events.ts';
import { noteGatewayTime } from './api/gateway-time.ts';
import type { OccupancyPayload, SiteInfo } from './api/types.ts';
import { Async } from './components/ui.tsx';
import { useResource } from './hooks.ts';
import { getLang, type MessageKey, onLangChange, setLang, t } from './i18n/i18n.ts';
import { href, navigate, type Route, useRoute } from './router.ts';
import { BlacklistView } from './views/blacklist.tsx';
import { BureauView } from './views/bureau.tsx';
import { GatesView } from './views/gates.tsx';
import { HouseholdsView } from './views/households.tsx';
import { LiveView } from './views/live.tsx';
import { LoginView } from './views/login.tsx';
import { PassesView } from './views/passes.tsx';
import { PublicView } from './views/public.tsx';
import { ReportsView } from './views/reports.tsx';
import { SessionsView } from './views/sessions.tsx';
import { TariffView } from './views/tariff.tsx';
import { VehiclesView } from './views/vehicles.tsx';
import { VisitorsView } from './views/visitors.tsx';

type NavItem = { path: string; label: MessageKey; show: (auth: AuthState) => boolean };

const NAV: NavItem[] = [
  { path: 'live', label: 'nav.live', show: () => true },
  { path: 'sessions', label: 'nav.sessions', show: (a) => a.user.role !== 'bureau' },
  { path: 'households', label: 'nav.households', show: (a) => a.user.role !== 'bureau' },
  { path: 'vehicles', label: 'nav.vehicles', show: (a) => a.user.role !== 'bureau' },
  { path: 'passes', label: 'nav.passes', show: (a) => a.user.role !== 'bureau' },
  { path: 'visitors', label: 'nav.visitors', show: (a) => a.user.role !== 'bureau' },
  { path: 'blacklist', label: 'nav.blacklist', show: (a) => a.user.role !== 'bureau' },
  { path: 'gates', label: 'nav.gates', show: (a) => a.user.role !== 'bureau' },
  { path: 'tariff', label: 'nav.tariff', show: () => true },
  { path: 'reports', label: 'nav.reports', show: () => true },
  { path: 'bureau', label: 'nav.bureau', show: (a) => can(a.user.role, 'evaluate') },
];

const SITE_KEY = 'parking.site';

function useAuth(): AuthState | null {
  const [auth, setAuthState] = useState(getAuth());
  useEffect(() => onAuthChange(setAuthState), []);
  return auth;
}

function useLangState(): string {
  const [lang, setLangState] = useState<string>(getLang());
  useEffect(() => onLangChange(setLangState), []);
  return lang;
}

export function App() {
  const route = useRoute();
  const auth = useAuth();
  useLangState();
  const page = route.parts[0] ?? '';

  useEffect(() => {
    if (!auth && page !== '' && page !== 'login' && page !== 'public') navigate('#/login');
  }, [auth, page]);

  if (page === '' || page === 'public') return <PublicView />;
  if (page === 'login' || !auth) return <LoginView />;
  return <StaffShell auth={auth} route={route} />;
}

function LangSwitch() {
  return (
    <button
      type="button"
      class="link lang"
      data-testid="lang-switch"
      onClick={() => setLang(getLang() === 'en' ? 'zh-CN' : 'en')}
    >
      {t('app.lang')}
    </button>
  );
}

export function PublicHeader() {
  return (
    <header class="topbar">
      <a class="brand" href="#/">
        <span class="logo">P</span> {t('app.title')}
      </a>
      <nav class="topnav">
        <a href="#/login">{t('app.login')}</a>
        <LangSwitch />
      </nav>
    </header>
  );
}

function StaffShell(props: { auth: AuthState; route: Route }) {
  const { auth, route } = props;
  const sites = useResource(() => api<SiteInfo[]>('/api/sites'), [auth.token]);
  const [siteId, setSiteId] = useState<string | null>(() => localStorage.getItem(SITE_KEY));
  const connected = useLiveConnection(auth.token);
  const page = route.parts[0] ?? 'live';
  const items = NAV.filter((item) => item.show(auth));
  const readOnly = !can(auth.user.role, 'act');

  const list = sites.data ?? [];
  const site = list.find((s) => s.id === siteId) ?? list[0] ?? null;

  // Forms that default to "now" (visitor windows, passes) need the gateway's time before any live event arrives.
  const siteKey = site?.id;
  useEffect(() => {
    if (!siteKey) return;
    api<OccupancyPayload>(`/api/sites/${seg(siteKey)}/occupancy`).then(
      function seed(snapshot) {
        noteGatewayTime(snapshot.ts);
      },
      function ignore() {},
    );
  }, [siteKey]);

  function chooseSite(id: string): void {
    localStorage.setItem(SITE_KEY, id);
    setSiteId(id);
  }

  function logout(): void {
    // Signed out here whatever the server says; a token it did not revoke expires by itself (8 h).
    api('/api/auth/logout', { method: 'POST' }).catch((err: unknown) => console.warn('logout: token not revoked', err));
    clearAuth();
    navigate('#/');
  }

  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="#/live">
          <span class="logo">P</span> {t('app.title')}
        </a>
        {list.length > 0 && (
          <label class="site-picker">
            {t('app.site')}{' '}
            <select data-testid="site-picker" value={site?.id} onChange={(e) => chooseSite(e.currentTarget.value)}>
              {list.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <nav class="topnav">
          <span
            class={`stream ${connected ? 'on' : 'off'}`}
            data-testid="stream-state"
            data-connected={String(connected)}
            title={connected ? t('app.live') : t('app.offlineStream')}
          >
            ● {t('app.live')}
          </span>
          <span class="who" data-testid="who">
            {auth.user.displayName ?? auth.user.username} · {t(`role.${auth.user.role}`)}
            {readOnly && ` · ${t('app.readOnly')}`}
          </span>
          <LangSwitch />
          <button type="button" class="link" onClick={logout}>
            {t('app.logout')}
          </button>
        </nav>
      </header>
      <nav class="sidenav">
        {items.map((item) => (
          <a key={item.path} href={href([item.path])} class={page === item.path ? 'active' : ''}>
            {t(item.label)}
          </a>
        ))}
      </nav>
      <main class="content">
        <Async data={sites.data} error={sites.error} reload={sites.reload}>
          {() => <Page page={page} route={route} auth={auth} site={site} sites={list} />}
        </Async>
      </main>
    </div>
  );
}

function Page(props: { page: string; route: Route; auth: AuthState; site: SiteInfo | null; sites: SiteInfo[] }) {
  const { page, route, auth, site } = props;
  const role = auth.user.role;
  if (page === 'bureau') return <BureauView route={route} />;
  if (!site) return <p class="muted">{t('app.empty')}</p>;
  const canAct = can(role, 'act');
  switch (page) {
    case 'sessions':
      return <SessionsView site={site} route={route} />;
    case 'households':
      return <HouseholdsView site={site} canAct={canAct} />;
    case 'vehicles':
      return <VehiclesView site={site} canAct={canAct} />;
    case 'passes':
      return <PassesView site={site} canAct={canAct} />;
    case 'visitors':
      return <VisitorsView site={site} canAct={canAct} username={auth.user.username} />;
    case 'blacklist':
      return <BlacklistView site={site} canAct={canAct} username={auth.user.username} />;
    case 'gates':
      return <GatesView site={site} canAct={canAct} />;
    case 'tariff':
      return <TariffView site={site} />;
    case 'reports':
      return <ReportsView site={site} />;
    default:
      return <LiveView site={site} canAct={canAct} />;
  }
}
