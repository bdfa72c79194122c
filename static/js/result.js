/* The result page while grading is pending: ask the server in the background whether the
 * attempt is graded, and reload the page once it is. No meta refresh: a page that reloads
 * itself every few seconds sends a screen reader back to the top each time. The page says
 * so in its (polite) status message and has a plain link that does the same by hand. */
(function () {
  "use strict";

  var pending = document.getElementById("result-pending");
  if (!pending || !window.fetch) { return; }
  var url = pending.dataset.statusUrl;
  var wait = 2000;          // grows to 15 s: a slow queue is not asked every 2 s by everyone
  var giveUpAt = Date.now() + 30 * 60 * 1000;

  function ask() {
    if (Date.now() > giveUpAt) { return; }  // the link still works
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (data) {
        if (data.graded) {
          window.location.reload();
          return;
        }
        next();
      })
      .catch(next);
  }

  function next() {
    window.setTimeout(ask, wait);
    wait = Math.min(Math.round(wait * 1.5), 15000);
  }

  next();
})();
