/* The essay page: a live word count under the text box (the page works without it; the
 * server counts again and enforces the limit). The count follows essays/rules/words.py: a
 * word is a run of non-space characters holding a letter or a digit. */
(function () {
  "use strict";
  var box = document.querySelector("textarea.essay-text");
  var out = document.getElementById("word-count");
  if (!box || !out) { return; }
  var over = document.getElementById("word-over");
  var limit = parseInt(box.dataset.wordLimit, 10) || 0;
  var wordlike = /[\p{L}\p{N}]/u;

  function count(text) {
    var n = 0;
    text.split(/\s+/).forEach(function (token) {
      if (token && wordlike.test(token)) { n += 1; }
    });
    return n;
  }

  function update() {
    var n = count(box.value);
    out.textContent = String(n);
    var tooMany = limit > 0 && n > limit;
    if (over) { over.hidden = !tooMany; }
    box.classList.toggle("is-invalid", tooMany);
  }

  box.addEventListener("input", update);
  update();
}());
