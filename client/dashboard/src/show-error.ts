import { FrontierClientError } from './api.js';
import { h, replace } from './dom.js';

/** Dispatched on `window` when the server refused the token (the page shows the token field). */
export const UNAUTHENTICATED_EVENT = 'frontier:unauthenticated';

/** A page's content when it failed; a refused token asks for another one. */
export function showError(target: Element, err: unknown): void {
  const e = err instanceof FrontierClientError ? err : new FrontierClientError('BAD_USER_INPUT', err instanceof Error ? err.message : String(err));
  if (e.code === 'UNAUTHENTICATED') window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
  replace(target, h('p', { class: 'error', role: 'alert' }, e.message));
}

/** An error line for a form or a live area, leaving the rest of the page in place. */
export function errorLine(err: unknown): HTMLElement {
  const e = err instanceof FrontierClientError ? err : new FrontierClientError('BAD_USER_INPUT', err instanceof Error ? err.message : String(err));
  if (e.code === 'UNAUTHENTICATED') window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
  return h('p', { class: 'error', role: 'alert' }, e.message);
}
