// The dashboard: a hash-routed single page (#/, #/new, #/runs/ID, #/candidates/ID) served by
// `frontier serve` at `/`.
import { h, replace } from './dom.js';
import { health, setToken, storedToken } from './api.js';
import { UNAUTHENTICATED_EVENT } from './show-error.js';
import { candidatePage } from './pages/candidate-page.js';
import { newSearchPage } from './pages/new-search-page.js';
import { runPage } from './pages/run-page.js';
import { runsPage } from './pages/runs-page.js';

const main = document.getElementById('main')!;
const tokenBar = document.getElementById('token')!;
let cleanup: (() => void) | undefined;
let tokensNeeded = false;

function route(): void {
  cleanup?.();
  cleanup = undefined;
  const path = location.hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter((p) => p !== '');
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) link.classList.toggle('active', link.hash === `#${path}` || (link.hash === '#/' && parts[0] === 'runs'));
  if (tokensNeeded && !storedToken()) {
    replace(main, h('p', { class: 'notice' }, 'This server needs an access token: enter one above.'));
    return;
  }
  const [first, id] = parts;
  if (first === undefined) cleanup = runsPage(main);
  else if (first === 'new') cleanup = newSearchPage(main);
  else if (first === 'runs' && id) cleanup = runPage(main, decodeURIComponent(id));
  else if (first === 'candidates' && id) cleanup = candidatePage(main, decodeURIComponent(id));
  else replace(main, h('p', { class: 'error' }, `No page at ${path}. `, h('a', { href: '#/' }, 'Back to the runs')));
}

/** The token field: shown when the server needs a token, or when one is stored. */
function renderTokenBar(): void {
  if (!tokensNeeded && !storedToken()) {
    replace(tokenBar);
    return;
  }
  const input = h('input', { type: 'password', id: 'token-input', placeholder: 'access token', value: storedToken() ?? '', autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'token-form', onsubmit: (e: SubmitEvent) => {
      e.preventDefault();
      setToken(input.value);
      renderTokenBar();
      route();
    } },
    h('label', { htmlFor: 'token-input' }, 'Token'),
    input,
    h('button', { type: 'submit' }, storedToken() ? 'Change' : 'Use token'),
  );
  replace(tokenBar, form);
}

async function start(): Promise<void> {
  try {
    const server = await health();
    tokensNeeded = server.tokens;
    document.getElementById('version')!.textContent = `v${server.version}`;
  } catch (err) {
    replace(main, h('p', { class: 'error' }, `The server did not answer /healthz: ${(err as Error).message}`));
    return;
  }
  renderTokenBar();
  window.addEventListener('hashchange', route);
  route();
}

// A refused token anywhere shows the token field again.
window.addEventListener(UNAUTHENTICATED_EVENT, () => {
  tokensNeeded = true;
  renderTokenBar();
});

void start();
