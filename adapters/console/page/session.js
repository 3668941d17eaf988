/* global document, fetch, window -- browser globals: this file runs in the page, not in Node */
// Who the page acts as, said in the notice above the channel: demo, signed in, nobody, signed out.
import { api } from './api.js';
import { toast } from './dialogs.js';
import { h } from './dom.js';

const $ = (id) => document.getElementById(id);

/**
 * Demo mode shows the picker and says what it is; a signed-in person (or a token's owner) is who
 * they are, with no picker; anyone else is told to sign in. False when the page acts as nobody.
 */
export const showSession = (session) => {
  const notice = $('mode-notice');
  notice.hidden = false;
  if (session.mode === 'demo') {
    notice.textContent = session.notice;
    return true;
  }
  $('person').closest('label').hidden = true;
  if (session.mode === 'person') {
    notice.replaceChildren(
      `Signed in as ${session.person}. `,
      ...(session.signOut ? [h('button', { type: 'button', id: 'sign-out', class: 'link', onclick: () => signOut(session.signOut) }, 'Sign out')] : []),
    );
    return true;
  }
  notice.replaceChildren(
    'You act as nobody here. ',
    ...(session.signIn ? [h('a', { href: session.signIn, id: 'sign-in' }, 'Sign in')] : ['Sign in is not configured: use Slack or Teams, or a personal access token.']),
  );
  return false;
};

/** Signs out on the server (a POST: see /auth/logout), then shows the signed-out page. */
const signOut = async (url) => {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    window.location.assign('/auth/signed-out');
  } catch (error) {
    toast(`Could not sign out: ${error.message}`);
  }
};

/** The session ended: nothing read so far stays on screen, and nothing can be sent. */
const showSignedOut = (list, reason) => {
  $('mode-notice').replaceChildren(`Signed out: ${reason} `, h('a', { href: '/', id: 'sign-in-again' }, 'Sign in again'));
  list.replaceChildren(h('div', { class: 'empty' }, h('strong', {}, 'Signed out.'), ' Nothing is shown here until you sign in again.'));
  $('input').disabled = true;
};

/**
 * Asked after the server refused the live stream or a read. A 401 from /session means this
 * browser is signed out (here, in another tab, or by `patchbot sign-out`): the page says so and
 * the caller stops asking. A server that cannot answer is not a sign-out: true, try again.
 */
export const checkStillSignedIn = async (list) => {
  try {
    await api.session();
    return true;
  } catch (error) {
    if (error.status !== 401) return true;
    showSignedOut(list, error.message);
    return false;
  }
};
