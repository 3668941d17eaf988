/* global clearTimeout, document, setTimeout -- browser globals: this file runs in the page, not in Node */
// The confirmation a card's button may ask for ("Approve CHG-7? Production change…"), and a toast
// for requests that failed before patchbot could answer in the channel.

const $ = (id) => document.getElementById(id);

/** Resolves true when the person confirmed. */
export const askConfirm = (confirm, style) =>
  new Promise((resolve) => {
    const dialog = $('confirm');
    $('confirm-title').textContent = confirm.title;
    $('confirm-text').textContent = confirm.text;
    $('confirm-deny').textContent = confirm.deny;
    const ok = $('confirm-ok');
    ok.textContent = confirm.confirm;
    ok.className = `btn ${style === 'danger' ? 'btn-danger' : 'btn-primary'}`;
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
    $('confirm-deny').focus();
  });

let hideTimer = null;

export const toast = (message) => {
  const el = $('toast');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => (el.hidden = true), 6000);
};
