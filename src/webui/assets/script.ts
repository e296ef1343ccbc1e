// The web UI's one script, served as /assets/app.js: what JavaScript adds to pages that work
// without it. It keeps a live part current from the server's events (the server renders every
// update; the script only puts it in place), turns on the copy buttons next to commands, and
// counts a pending network change's deadline down.
// Plain ES2020 for the browser, kept in a module so the build carries it without a copy step.
export const APP_JS = `'use strict';
(function () {
  var live = document.getElementById('live');
  if (live && live.dataset.events && window.EventSource) {
    var source = new EventSource(live.dataset.events);
    source.addEventListener('overview', function (event) {
      var template = document.createElement('template');
      template.innerHTML = JSON.parse(event.data).html;
      live.replaceChildren(template.content);
    });
  }
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var target = document.getElementById(button.dataset.copy);
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        button.textContent = button.dataset.copied;
      });
    });
  });
  // From the seconds the server counted, not its deadline: the browser's clock may differ from the box's.
  document.querySelectorAll('[data-countdown]').forEach(function (element) {
    var end = Date.now() + Number(element.dataset.remaining) * 1000;
    var timer = setInterval(tick, 1000);
    function tick() {
      var left = Math.ceil((end - Date.now()) / 1000);
      if (left > 0) {
        element.textContent = element.dataset.template.replace('{s}', String(left));
        return;
      }
      element.textContent = element.dataset.expired;
      clearInterval(timer);
    }
  });
})();
`;
