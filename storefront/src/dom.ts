// DOM helpers: building elements, the page's title and main region, announcements for screen readers, the busy bar,
// notices and errors, buttons that say what they are doing.
import { ApiProblem } from './api';

export type Child = Node | string;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

const app = () => document.querySelector<HTMLElement>('#app')!;
const statusBar = () => document.querySelector<HTMLElement>('#status')!;
const announcer = () => document.querySelector<HTMLElement>('#announcer')!;

/**
 * Shows a page: its nodes in the main region, "<title> · Shop" as the document's title, and, when the page changed
 * (not on a refresh of the same page), its heading focused so that screen readers say where they are.
 */
let firstPage = true;

export function showPage(title: string, nodes: Child[], focus = true) {
  document.title = `${title} · Shop`;
  app().replaceChildren(...nodes);
  app().removeAttribute('aria-busy');
  // not on the first page of a load: there, the skip link comes first
  const changed = focus && !firstPage;
  firstPage = false;
  if (changed) {
    const heading = app().querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
}

/** Says `text` to screen readers (a polite live region, cleared first so that the same text is said again). */
export function announce(text: string) {
  const region = announcer();
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

/** The service is busy: say so, with the countdown to the next try. */
export function busy(seconds: number) {
  const bar = statusBar();
  if (seconds > 0) {
    bar.textContent = `The shop is busy, retrying in ${seconds} s`;
    bar.className = 'busy';
  } else {
    bar.textContent = 'Retrying…';
  }
}

export function clearStatus() {
  statusBar().textContent = '';
  statusBar().className = '';
}

/** An error, announced at once: the problem's title, its detail, and the X-Request-Id to quote when reporting it. */
export function errorBox(e: unknown): HTMLElement {
  if (e instanceof ApiProblem) {
    return h('div', { class: 'error', 'data-testid': 'error', role: 'alert' },
      h('strong', {}, e.title), e.detail ? h('p', {}, e.detail) : '',
      h('p', { class: 'request-id' }, `Request id: ${e.requestId ?? 'none'} (quote it when you contact us)`));
  }
  return h('div', { class: 'error', 'data-testid': 'error', role: 'alert' }, h('strong', {}, 'The shop cannot be reached'),
    h('p', {}, String(e)));
}

/** A notice (not an error), announced politely. */
export function notice(text: Child | Child[], testid: string, kind: 'info' | 'warn' = 'info'): HTMLElement {
  return h('div', { class: `notice ${kind}`, 'data-testid': testid, role: 'status' }, ...(Array.isArray(text) ? text : [text]));
}

/**
 * A notice of an outcome (sold out, a limit, a declined card), said through the announcer (`announce`): a live region
 * inserted with its text already inside is often not read at all, so the notice itself has no live role (it would be
 * said twice where it is). `text` is said; `more` (a link) is only shown after it.
 */
export function announcedNotice(text: string, more: Child[], testid: string, kind: 'info' | 'warn' = 'warn'): HTMLElement {
  announce(text);
  return h('div', { class: `notice ${kind}`, 'data-testid': testid }, text, ...(more.length ? [' ', ...more] : []));
}

/** Runs `work` with the button disabled, aria-busy and saying `doing` ("Placing your order…"); restores it after. */
export async function whileBusy<T>(button: HTMLButtonElement, doing: string, work: () => Promise<T>): Promise<T> {
  const label = button.textContent ?? '';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = doing;
  announce(doing);
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

export function button(text: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs }, text);
}
