import { useEffect, useState } from 'preact/hooks';

export type Route = { parts: string[]; query: URLSearchParams };

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = text.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function href(parts: (string | number)[], query?: Record<string, string | number | undefined>): string {
  const path = parts.map((p) => encodeURIComponent(String(p))).join('/');
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return `#/${path}${search ? `?${search}` : ''}`;
}

export function navigate(target: string): void {
  if (location.hash !== target) location.hash = target;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    function onHashChange(): void {
      setRoute(parseHash(location.hash));
    }
    addEventListener('hashchange', onHashChange);
    return () => removeEventListener('hashchange', onHashChange);
  }, []);
  return route;
}
