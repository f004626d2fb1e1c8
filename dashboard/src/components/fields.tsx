import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import { act } from './act.ts';
import { ErrorBox } from './ui.tsx';

/** A labelled text, date, time or datetime-local input (in the site's local time, as `format.ts` converts it). */
export function TextField(props: {
  label: ComponentChildren;
  name?: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'password' | 'date' | 'time' | 'datetime-local';
  required?: boolean;
  disabled?: boolean;
  placeholder?: string;
  autocomplete?: string;
  minLength?: number;
  class?: string;
}) {
  return (
    <label class={props.class}>
      {props.label}
      <input
        name={props.name}
        // Preact types each input type apart; all of these take the same attributes here.
        type={props.type as 'text' | undefined}
        value={props.value}
        required={props.required}
        disabled={props.disabled}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete}
        minLength={props.minLength}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
    </label>
  );
}

/** A labelled select over fixed values, each shown by `optionLabel`. */
export function SelectField<V extends string>(props: {
  label: ComponentChildren;
  name?: string;
  value: V;
  onValue: (value: V) => void;
  options: readonly V[];
  optionLabel: (value: V) => ComponentChildren;
}) {
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value} onChange={(e) => props.onValue(e.currentTarget.value as V)}>
        {props.options.map((v) => (
          <option key={v} value={v}>
            {props.optionLabel(v)}
          </option>
        ))}
      </select>
    </label>
  );
}

type StringKeys<D> = { [K in keyof D]: D[K] extends string ? K : never }[keyof D] & string;

/** A form's draft, with `field(key)` giving the name, value and setter a field needs. */
export function useDraft<D extends object>(initial: D | (() => D)) {
  const [draft, setDraft] = useState<D>(initial);
  function field<K extends StringKeys<D>>(key: K): { name: K; value: D[K]; onValue: (value: D[K]) => void } {
    return { name: key, value: draft[key], onValue: (value) => setDraft({ ...draft, [key]: value }) };
  }
  return { draft, setDraft, field };
}

/**
 * A form's submit: run it, show the gateway's reason when it refuses, and say when it is busy. A submit that `ready`
 * turns down does nothing.
 */
export function useSubmit(
  run: () => Promise<void>,
  ready?: () => boolean,
): { submit: (e: Event) => void; error: unknown; busy: boolean } {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    if (ready && !ready()) return;
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return { submit: act('submitting the form', submit), error, busy };
}

export function MaybeError(props: { error: unknown }) {
  return props.error !== null ? <ErrorBox error={props.error} /> : null;
}

/** An edit form: its fields, submit (save by default) and cancel, and the gateway's reason when it refuses. */
export function EditForm(props: {
  testId?: string;
  onSubmit: () => Promise<void>;
  submitLabel?: string;
  onCancel?: () => void;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  const { submit, error } = useSubmit(props.onSubmit);
  return (
    <form class="edit-form" onSubmit={submit} data-testid={props.testId}>
      {props.children}
      <div class="form-actions">
        <button type="submit">{props.submitLabel ?? t('vehicles.save')}</button>
        {props.onCancel && (
          <button type="button" class="secondary" onClick={props.onCancel}>
            {t('vehicles.cancel')}
          </button>
        )}
        {props.actions}
      </div>
      <MaybeError error={error} />
    </form>
  );
}
