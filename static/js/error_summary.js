/* A refused form: the error summary takes the focus (it is also marked autofocus), so the
 * screen reader reads it and the keyboard starts from it; a link in it moves the focus to the
 * field itself, not only the view (a hash link alone would leave the focus on the link). */
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  if (document.activeElement !== summary) { summary.focus(); }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
})();
