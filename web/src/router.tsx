import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';

const listeners = new Set<() => void>();

/** Goes to an in-app path without reloading (history API; the server answers index.html for any path). */
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const l of listeners) l();
}

/** The current path, re-rendering on navigation and on back/forward. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Whether a link names the page shown: itself, or a section (/m/1/alerts) one of whose pages is (/m/1/alerts/7). */
function isCurrent(to: string): boolean {
  const path = location.pathname;
  return path === to || (to.split('/').length > 3 && path.startsWith(`${to}/`));
}

/** An in-app link. */
export function Link(props: { to: string; children: ReactNode; className?: string; testId?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={props.to}
      onClick={onClick}
      className={props.className}
      data-testid={props.testId}
      aria-current={isCurrent(props.to) ? 'page' : undefined}
    >
      {props.children}
    </a>
  );
}

/**
 * Where an address handed out earlier lives now. Alert messages linked to /merchants/1/findings/alert-7 and
 * digests to /merchants/1/alerts before the dashboard's paths were /m/…, and those messages stay in chats and
 * mailboxes: they open the alert (or the alerts) all the same.
 */
export function currentPath(path: string): string {
  const alert = /^\/(?:merchants|m)\/(\d+)\/findings\/alert-(\d+)\/?$/.exec(path);
  if (alert !== null) return `/m/${alert[1]}/alerts/${alert[2]}`;
  const old = /^\/merchants\/(\d+)(\/.*)?$/.exec(path);
  if (old !== null) return `/m/${old[1]}${old[2] ?? ''}`;
  return path;
}
