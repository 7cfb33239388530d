// The console's small progressive script: every page works without it (plain links and forms); with
// it, choosing in a select marked data-autosubmit sends its form, and a form marked data-confirm asks
// first. Served from /console/assets/ (the CSP allows no inline script).
'use strict';

document.addEventListener('change', (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.dataset.autosubmit !== undefined && target.form) {
    target.form.requestSubmit();
  }
});

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// A button marked data-print prints the page (the QR code's print view).
document.addEventListener('click', (event) => {
  const target = event.target;
  if (target && typeof target.closest === 'function' && target.closest('[data-print]')) window.print();
});
