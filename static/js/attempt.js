/* Taking the test: countdown, autosave, automatic submit; the "please wait" page's retry.
 *
 * The page works without this file (a plain form posted to "submit"; a "save" button).
 * Time is the server's: the countdown starts from the seconds remaining that the server
 * rendered (and that each autosave reply repeats), measured with the monotonic
 * performance.now(), never the device's clock. */
(function () {
  "use strict";

  // --- "Vui lòng chờ": retry the start by itself ------------------------------------------
  var retryForm = document.getElementById("start-retry");
  if (retryForm) {
    window.setTimeout(function () { retryForm.submit(); },
      parseInt(retryForm.dataset.retryMs, 10) || 3000);
    return;
  }

  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var d = form.dataset;
  var url = d.autosaveUrl;
  var stopBefore = parseInt(d.autosaveStop, 10) || 5;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timerEl = document.getElementById("timer");
  var answeredEl = document.getElementById("answered");
  var stateEl = document.getElementById("save-state");
  // The one live region of the page (visually hidden): the bar itself is silent, so a screen
  // reader is not talked over every second while it reads a question.
  var announcer = document.getElementById("exam-announce");
  var saveButton = document.getElementById("save-button");
  var prediction = document.getElementById("prediction");
  var total = form.querySelectorAll("fieldset.exam-question").length;

  var base = parseInt(d.remaining, 10) || 0;
  var t0 = performance.now();
  function remaining() { return base - (performance.now() - t0) / 1000; }
  function resync(seconds) { base = seconds; t0 = performance.now(); }

  // Autosave makes the no-JS save button unnecessary.
  if (saveButton) { saveButton.hidden = true; }

  function announce(text) {
    if (!announcer || !text) { return; }
    // Emptied first, so the same sentence twice is still read twice.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  // Saving is said aloud only when it fails, and when it works again after a failure; the
  // routine "saving… saved" of every answer stays on the (silent) badge.
  var failing = false;
  function setState(kind) {
    var text = { saved: d.textSaved, unsaved: d.textUnsaved, saving: d.textSaving,
      offline: d.textOffline }[kind];
    stateEl.textContent = text;
    stateEl.dataset.state = kind;
    stateEl.className = "badge " + (kind === "saved" ? "text-bg-success"
      : kind === "saving" ? "text-bg-secondary" : "text-bg-warning");
    if (kind === "offline" && !failing) {
      failing = true;
      announce(d.textOffline);
    } else if (kind === "saved" && failing) {
      failing = false;
      announce(d.textSavedAgain);
    }
  }

  function collect() {
    var answers = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      answers[input.name.slice(1)] = parseInt(input.value, 10);
    });
    var body = { answers: answers };
    if (prediction && prediction.value !== "") { body.prediction = prediction.value; }
    return body;
  }

  function countAnswered() {
    var n = form.querySelectorAll("input[type=radio]:checked").length;
    answeredEl.textContent = n;
    return n;
  }

  // --- Autosave: one request in flight, the whole answer set each time, retried ------------
  var dirty = false, inFlight = false, stopped = false, backoff = 1000, retryTimer = null;

  function schedule(ms) {
    if (retryTimer) { window.clearTimeout(retryTimer); }
    retryTimer = window.setTimeout(function () { retryTimer = null; save(); }, ms);
  }

  function save() {
    if (inFlight || stopped || !dirty) { return; }
    if (remaining() < stopBefore) { stopped = true; return; }
    dirty = false;
    inFlight = true;
    setState("saving");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf,
        "X-Requested-With": "fetch" },
      body: JSON.stringify(collect())
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          if (typeof data.remaining === "number") { resync(data.remaining); }
          backoff = 1000;
          setState(dirty ? "unsaved" : "saved");
        } else if (response.status === 409) {
          // Submitted elsewhere or time is up: the result page says what happened.
          stopped = true;
          window.alert(data.error);
          window.location.href = data.result_url;
        } else if (response.status === 400 || response.status === 403) {
          // Refused input (or the session ended): retrying the same thing will not help.
          setState("unsaved");
          failing = true;
          if (data.error) { window.alert(data.error); }
        } else {
          throw new Error("HTTP " + response.status);
        }
      });
    }).catch(function () {
      dirty = true;
      setState("offline");
      backoff = Math.min(backoff * 2, 30000);
      schedule(backoff);
    }).then(function () {
      inFlight = false;
      if (dirty && !retryTimer) { schedule(300); }
    });
  }

  form.addEventListener("change", function () {
    dirty = true;
    countAnswered();
    setState("unsaved");
    save();
  });
  if (prediction) {
    prediction.addEventListener("input", function () {
      dirty = true;
      setState("unsaved");
      schedule(800);
    });
  }

  // --- Submit: by the button (confirm if questions are left), or at time-out --------------
  var submitting = false;
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.id === "save-button") { return; }
    if (submitting) { event.preventDefault(); return; }
    if (countAnswered() < total && remaining() > 0 && !window.confirm(d.textConfirm)) {
      event.preventDefault();
      return;
    }
    submitting = true;
    stopped = true;
  });

  function submitNow() {
    if (submitting) { return; }
    submitting = true;
    stopped = true;
    timerEl.textContent = d.textTimeup;
    announce(d.textTimeup);
    form.submit();  // the answers go with the form: nothing is lost after autosave stops
  }

  // Time is announced only as it crosses these marks (seconds left) while the page is open;
  // marks already passed when the page loads are not announced (the bar shows the time).
  var marks = [[300, d.textLeft5m], [60, d.textLeft1m], [30, d.textLeft30s]];
  var lastLeft = null;
  function announceMarks(left) {
    var crossed = null;  // after a jump (a sleeping phone) only the latest mark is said
    if (lastLeft !== null) {
      marks.forEach(function (mark) {
        if (lastLeft > mark[0] && left <= mark[0] && left > 0) { crossed = mark[1]; }
      });
    }
    if (crossed) { announce(crossed); }
    lastLeft = left;
  }

  // "Đọc thời gian còn lại": the time left said once, on request (the bar itself is silent).
  var sayTime = document.getElementById("say-time");
  function timeLeftText() {
    var left = Math.max(0, Math.ceil(remaining()));
    var m = Math.floor(left / 60), s = left % 60;
    var text = m > 0 ? d.textLeftMinSec.replace("{m}", m) : d.textLeftSec;
    return text.replace("{s}", s);
  }
  if (sayTime) {
    sayTime.hidden = false;
    sayTime.addEventListener("click", function () { announce(timeLeftText()); });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.ceil(remaining()));
    if (!submitting) {
      timerEl.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
      announceMarks(left);
    }
    if (left <= 60) { timerEl.classList.add("text-danger"); }
    if (left < stopBefore) { stopped = true; }
    if (left <= 0) { submitNow(); }
  }

  setState("saved");
  countAnswered();
  tick();
  window.setInterval(tick, 250);
})();
