import { useState } from 'preact/hooks';
import { setAuth, takeExpiredFlag } from '../api/auth.ts';
import { ApiError, api } from '../api/client.ts';
import type { LoginReply } from '../api/types.ts';
import { PublicHeader } from '../app.tsx';
import { act } from '../components/act.ts';
import { TextField } from '../components/fields.tsx';
import { errorText } from '../components/ui.tsx';
import { t } from '../i18n/i18n.ts';
import { navigate } from '../router.ts';

export function LoginView() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(() => (takeExpiredFlag() ? t('app.expired') : null));
  const [busy, setBusy] = useState(false);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const reply = await api<LoginReply>('/api/auth/login', {
        method: 'POST',
        json: { username, password },
        anonymous: true,
      });
      setAuth(reply);
      navigate(reply.user.role === 'bureau' ? '#/bureau' : '#/live');
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 400)) setError(t('login.failed'));
      else if (e instanceof ApiError && e.status === 429) setError(t('login.tooMany'));
      else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="public">
      <PublicHeader />
      <main class="login-main">
        <form class="card login" onSubmit={act('login', submit)} data-testid="login-form">
          <h1>{t('login.title')}</h1>
          <TextField
            label={t('login.username')}
            name="username"
            autocomplete="username"
            value={username}
            onValue={setUsername}
            required
          />
          <TextField
            label={t('login.password')}
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onValue={setPassword}
            required
          />
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            {t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
