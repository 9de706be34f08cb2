// Small pieces several pages use: the confirmation dialog, sparklines, a hook that reloads on
// engine events, error lines.
import { html } from 'htm/preact';
import { useEffect, useState, useCallback } from 'preact/hooks';
import { onEvent, type EngineEvent } from './events';

/** A modal yes/no question (a native <dialog>); resolves true on confirm. */
export function confirmAction(question: string, verb = 'Confirm'): Promise<boolean> {
  return new Promise((resolve) => {
    const d = document.createElement('dialog');
    d.className = 'confirm';
    const p = document.createElement('p');
    p.textContent = question;
    const yes = document.createElement('button');
    yes.textContent = verb;
    yes.className = 'danger';
    const no = document.createElement('button');
    no.textContent = 'Cancel';
    const row = document.createElement('div');
    row.className = 'actions';
    row.append(no, yes);
    d.append(p, row);
    const done = (v: boolean): void => {
      d.close();
      d.remove();
      resolve(v);
    };
    yes.onclick = () => done(true);
    no.onclick = () => done(false);
    d.oncancel = () => done(false);
    document.body.append(d);
    d.showModal();
    yes.focus();
  });
}

/** A tiny line chart of the last values (inline SVG, no library: the list may have hundreds). */
export function Sparkline({ values, max, label }: { values: number[]; max?: number; label: string }) {
  if (values.length < 2) return html`<span class="spark-empty">—</span>`;
  const top = Math.max(max ?? 0, ...values, 1e-9);
  const w = 60;
  const h = 16;
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * w).toFixed(1)},${(h - (v / top) * h).toFixed(1)}`).join(' ');
  return html`<svg class="spark" viewBox="0 0 ${w} ${h}" width=${w} height=${h} aria-label=${label}><polyline points=${pts} /></svg>`;
}

/** Loads with `load`, and again (debounced) on every event `relevant` accepts. */
export function useLive<T>(load: () => Promise<T>, relevant: (e: EngineEvent) => boolean, deps: unknown[] = []): { data?: T; error?: string; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const reload = useCallback(() => {
    load().then(
      (d) => {
        setData(d);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, deps);
  useEffect(() => {
    reload();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = onEvent((e) => {
      if (!relevant(e)) return;
      clearTimeout(timer);
      timer = setTimeout(reload, 150);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [reload]);
  return { data, error, reload };
}

export function ErrorLine({ error }: { error?: string }) {
  return error ? html`<p class="error" role="alert">${error}</p>` : null;
}

/** Runs an action, showing its error (if any) through `setError`. */
export async function attempt(setError: (e: string | undefined) => void, fn: () => Promise<unknown>): Promise<void> {
  try {
    setError(undefined);
    await fn();
  } catch (e) {
    setError((e as Error).message);
  }
}
