import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.ts';
import type { FeeItem } from '../api/types.ts';
import { dateTime, yuan } from '../format.ts';
import { getLang, t, tv } from '../i18n/i18n.ts';

export function Card(props: {
  title?: ComponentChildren;
  actions?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
  testId?: string;
}) {
  return (
    <section class={`card ${props.class ?? ''}`} data-testid={props.testId}>
      {(props.title || props.actions) && (
        <header class="card-head">
          <h2>{props.title}</h2>
          {props.actions && <div class="card-actions">{props.actions}</div>}
        </header>
      )}
      {props.children}
    </section>
  );
}

export function Loading() {
  return <p class="muted">{t('app.loading')}</p>;
}

export function Empty(props: { text?: string }) {
  return <p class="muted empty">{props.text ?? t('app.empty')}</p>;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return t('app.forbidden');
    if (error.status === 429) return t('public.rateLimited');
    return `${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function ErrorBox(props: { error: unknown; retry?: () => void }) {
  return (
    <div class="error" role="alert">
      {t('app.error')}: {errorText(props.error)}
      {props.retry && (
        <button type="button" class="link" onClick={props.retry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

/** Loading, error and empty states around a resource's data. */
export function Async<T>(props: {
  data: T | undefined;
  error: Error | undefined;
  reload?: () => void;
  children: (data: T) => ComponentChildren;
}) {
  if (props.error && props.data === undefined) return <ErrorBox error={props.error} retry={props.reload} />;
  if (props.data === undefined) return <Loading />;
  return <>{props.children(props.data)}</>;
}

export function StatusBadge(props: { status: string | null | undefined }) {
  const status = props.status ?? 'unknown';
  return <span class={`badge status-${status}`}>{tv('status', status)}</span>;
}

export function LevelBadge(props: { level: string | null | undefined }) {
  if (!props.level) return <span class="muted">—</span>;
  return <span class={`badge level-${props.level}`}>{tv('level', props.level)}</span>;
}

function itemLabel(item: FeeItem): string {
  return getLang() === 'en' ? item.textEn || item.text : item.text;
}

function itemSpan(item: FeeItem): string {
  if (item.fromLocal || item.toLocal) return `${item.fromLocal} – ${item.toLocal}`;
  if (item.from !== undefined && item.to !== undefined)
    return `${dateTime(item.from, getLang())} – ${dateTime(item.to, getLang())}`;
  return '';
}

function itemUnits(item: FeeItem): string {
  if (item.units === undefined || item.unitFen === undefined || item.units === 0) return '';
  return `${item.units} × ${yuan(item.unitFen)}`;
}

/** The fee breakdown line by line, so a person can check it; the sum row is the engine's total. */
export function FeeBreakdown(props: { items: FeeItem[]; totalFen: number; paidFen?: number; dueFen?: number }) {
  return (
    <table class="table breakdown" data-testid="fee-breakdown">
      <thead>
        <tr>
          <th>{t('sessions.item')}</th>
          <th>{t('sessions.span')}</th>
          <th>{t('sessions.units')}</th>
          <th class="num">{t('sessions.amount')}</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((item, i) => (
          <tr key={i} class={item.amountFen < 0 ? 'negative' : ''}>
            <td title={item.rule}>{itemLabel(item)}</td>
            <td class="muted">{itemSpan(item)}</td>
            <td class="muted">{itemUnits(item)}</td>
            <td class="num">{yuan(item.amountFen)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th colSpan={3}>{t('sessions.sum')}</th>
          <th class="num">{yuan(props.totalFen)}</th>
        </tr>
        {props.paidFen !== undefined && (
          <tr>
            <td colSpan={3}>{t('sessions.paid')}</td>
            <td class="num">{yuan(props.paidFen)}</td>
          </tr>
        )}
        {props.dueFen !== undefined && (
          <tr class="due">
            <th colSpan={3}>{t('sessions.due')}</th>
            <th class="num">{yuan(props.dueFen)}</th>
          </tr>
        )}
      </tfoot>
    </table>
  );
}

/** Free-form API values (details, indicator objects) as short readable text. */
export function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(plainText).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${plainText(v)}`)
      .join('; ');
  }
  return String(value);
}
