// The header's "who am I" area: the player this browser plays as (a guest, unrated, or a
// named person, rated), with a form to choose a name (POST /api/humans; its token is shown
// once), signing in with that token on another browser (POST /api/session) and signing out
// (DELETE /api/session). Each of these sets or clears the arena_session cookie; the page
// then reopens its socket so that the server's `welcome` names the new player.
// Browser main thread only.

import { h, api, displayName } from './util.js';
import { socket } from './socket.js';

// Why `name` cannot be a person's name, or null when it may be (the server checks again).
export function nameProblem(name) {
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(name)) return 'A name is 1 to 40 letters, digits, "_", "-" or ".".';
  if (name.startsWith('guest-')) return 'Names starting with "guest-" are kept for guests.';
  return null;
}

// Fills `el` (the header's #me) with the area and keeps it up to date.
export function mountIdentity(el) {
  const ws = socket();
  let me = null;          // {player_id, name, kind, guest}, from GET /api/me or the latest welcome
  let shownToken = null;  // the token of the name chosen just now; shown once, never stored
  let busy = false;

  const nameEl = h('span', { id: 'me-name', class: 'me-name' }, '…');
  const kindEl = h('span', { class: 'me-kind' });
  const summary = h('summary', { id: 'me-summary', 'aria-label': 'who am I' }, nameEl, ' ', kindEl);
  const panel = h('div', { class: 'me-panel', id: 'me-panel' });
  const details = h('details', { class: 'me-details' }, summary, panel);
  details.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && details.open) {
      details.open = false;
      summary.focus();
    }
  });
  el.replaceChildren(details);

  const out = h('p', { id: 'me-out', class: 'me-out', role: 'status', 'aria-live': 'polite' });
  const say = (text, error = false) => {
    out.textContent = text;
    out.classList.toggle('error', error);
  };

  function render() {
    const guest = me?.guest !== false;
    nameEl.textContent = displayName(me?.name) ?? 'guest';
    nameEl.title = me?.name ?? '';
    kindEl.textContent = guest ? 'guest' : me.kind ?? '';
    details.dataset.guest = guest ? 'true' : 'false';
    say('');
    if (guest) {
      const newName = h('input', { id: 'me-new-name', name: 'name', autocomplete: 'nickname', maxlength: 40, required: true,
        placeholder: 'alice', 'aria-describedby': 'me-name-help' });
      const token = h('input', { id: 'me-token', name: 'token', autocomplete: 'off', required: true, spellcheck: 'false' });
      const nameForm = h('form', { id: 'me-name-form', class: 'me-form' },
        h('label', { for: 'me-new-name' }, 'Choose a name'), h('div', { class: 'row' }, newName,
          h('button', { type: 'submit', class: 'btn primary', id: 'me-choose' }, 'Choose')),
        h('small', { id: 'me-name-help' }, '1–40 letters, digits, _ - . You get a token to sign in elsewhere.'));
      nameForm.addEventListener('submit', (e) => { e.preventDefault(); chooseName(newName.value.trim()); });
      const tokenForm = h('form', { id: 'me-token-form', class: 'me-form' },
        h('label', { for: 'me-token' }, 'Sign in with a token'), h('div', { class: 'row' }, token,
          h('button', { type: 'submit', class: 'btn', id: 'me-sign-in' }, 'Sign in')));
      tokenForm.addEventListener('submit', (e) => { e.preventDefault(); signIn(token.value.trim()); });
      panel.replaceChildren(
        h('p', {}, `You play as ${displayName(me?.name) ?? 'a guest'}, a guest: your games are unrated.`),
        nameForm, tokenForm, out);
    } else {
      const kept = h('div', { id: 'me-token-shown', class: 'me-token', hidden: !shownToken },
        h('p', {}, 'Your token, shown only this once: keep it to sign in elsewhere (“Sign in with a token”).'),
        h('pre', { class: 'token', tabindex: -1 }, shownToken ?? ''),
        h('button', { type: 'button', class: 'btn', id: 'me-kept', onclick: () => { shownToken = null; kept.hidden = true; summary.focus(); } }, 'I kept it'));
      panel.replaceChildren(
        h('p', {}, `Signed in as ${me.name}: your games are rated. `,
          me.player_id ? h('a', { href: `#/player/${me.player_id}`, id: 'me-page' }, 'Your page') : null),
        kept,
        h('button', { type: 'button', class: 'btn', id: 'me-sign-out', onclick: signOut }, 'Sign out'), out);
    }
  }

  // Takes the new identity, then reconnects so the socket plays as it.
  function become(next) {
    me = next;
    render();
    ws.reopen();
  }

  async function chooseName(name) {
    const problem = nameProblem(name);
    if (problem) return say(problem, true);
    await guarded(async () => {
      const r = await api('/api/humans', { method: 'POST', body: { name } });
      shownToken = r.token;
      become({ player_id: r.player_id, name: r.name, kind: r.kind ?? 'human', guest: false });
      panel.querySelector('#me-token-shown pre')?.focus();
    }, (e) => (e.code === 'conflict' ? `The name ${name} is taken: choose another.` : e.message));
  }

  async function signIn(token) {
    if (!token) return say('Paste the token you were given when you chose your name.', true);
    await guarded(async () => {
      const r = await api('/api/session', { method: 'POST', body: { token } });
      shownToken = null;
      become({ player_id: r.player_id, name: r.name, kind: r.kind, guest: false });
      panel.querySelector('#me-sign-out')?.focus();
    }, (e) => (e.code === 'unauthorized' ? 'Unknown token: check it and try again.' : e.message));
  }

  async function signOut() {
    await guarded(async () => {
      await api('/api/session', { method: 'DELETE' });
      shownToken = null;
      // The guest identity comes back from the arena_guest cookie; the welcome names it.
      become(await api('/api/me').catch(() => ({ player_id: null, name: null, kind: null, guest: true })));
      panel.querySelector('#me-new-name')?.focus();
    }, (e) => e.message);
  }

  async function guarded(fn, message) {
    if (busy) return;
    busy = true;
    try {
      await fn();
    } catch (e) {
      say(message(e), true);
    } finally {
      busy = false;
    }
  }

  // The welcome is what the socket plays as: it has the last word.
  ws.on('welcome', (m) => {
    const p = m.player ?? {};
    const next = { player_id: p.id ?? null, name: p.name ?? null, kind: p.kind ?? null, guest: p.guest !== false };
    if (me && me.player_id === next.player_id && me.name === next.name && me.guest === next.guest) return;
    me = next;
    render();
  });
  render();
  api('/api/me').then((r) => {
    if (!ws.lastPlayer && r) {
      me = r;
      render();
    }
  }).catch(() => {});
}
