// The status line in the header (a polite live region).

/** @param {HTMLElement} el */
export function createStatus(el) {
  return {
    /** @param {string} text */
    info(text) {
      el.classList.remove('is-error');
      el.textContent = text;
    },
    /** @param {string} text */
    error(text) {
      el.classList.add('is-error');
      el.textContent = text;
    },
  };
}
