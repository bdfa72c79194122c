/* Taking the test: countdown, autosave, automatic submit; the "please wait" page's retry.
 *
 * The page works without this file (a plain form posted to "submit"; a "save" button).
 * Time is the server's: the countdown starts from the seconds remaining that the server
 * rendered (and that each autosave reply repeats), measured with the monotonic
 * performance.now(), never the device's clock. */
(function () {
  "use strict";

  // --- "Vui lòng chờ": retry the start by itself ------------------------------------------
  // The server gives the delay to this person's slot in ms; the time since its reply arrived
  // (the page's own loading) is taken off, so the start is posted again when the slot comes,
  // not later: a late return leaves the gate idle while others wait.
  var retryForm = document.getElementById("start-retry");
  if (retryForm) {
    var delay = parseInt(retryForm.dataset.retryMs, 10);
    if (!(delay >= 0)) { delay = 3000; }
    var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    if (nav && nav.responseStart > 0) {
      delay -= performance.now() - nav.responseStart;
    }
    window.setTimeout(function () { retryForm.submit(); }, Math.max(0, delay));
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
  var failing = false, kept = false;
  function setState(kind) {
    // Waiting answers are said to be kept on the device only when localStorage holds them.
    var waiting = kept ? d.textKept : d.textUnsaved;
    var text = { saved: d.textSaved, unsaved: waiting, saving: d.textSaving,
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

  function countAnswered() {
    var n = form.querySelectorAll("input[type=radio]:checked").length;
    answeredEl.textContent = n;
    return n;
  }

  // --- Autosave in batches ------------------------------------------------------------------
  // Answers not yet acknowledged by the server are kept in `pending` and in localStorage (one
  // entry per attempt, keyed by its autosave address), so a reload, a crash or a dead network
  // loses none of them. They go out as ONE numbered batch (docs/exam.md, autosave): after
  // `pause` without a new answer but at most once per `every`, at the latest `every` after the
  // first unsent answer, when the page is left or hidden (keepalive), and with the submit (the
  // form carries every answer). Each batch carries every pending answer, so a batch overtaken
  // by a newer one holds nothing the newer lacks (the server skips it by its number). "Đã lưu"
  // only when the server said it holds a batch built after the last change: each pending
  // answer records its change number `c`, and a reply clears only the answers its batch had.
  var pauseMs = (parseFloat(d.autosavePause) || 3) * 1000;
  var everyMs = (parseFloat(d.autosaveEvery) || 180) * 1000;
  var storeKey = "attempt-answers:" + url;
  var serverSeq = parseInt(d.seq, 10) || 0;  // the last batch the server wrote, as far as known
  var seqUsed = serverSeq;                    // the last number this page (or tab) gave a batch
  var pending = {};          // question id → {v: option id, c: change number, b: base, t: time}
  var predictionPending = null;                // {v, c, b, t} likewise
  var edits = 0, lastChange = -Infinity, lastSent = -Infinity, retryAt = 0;
  var inFlight = 0, stopped = false, backoff = 1000, timer = null, leftAt = -1;

  function hasPending() {
    return predictionPending !== null || Object.keys(pending).length > 0;
  }

  function readStore() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "null"); }
    catch (e) { return null; }
  }

  // `b` (base) is the newest batch number known when the answer changed: after a reload, an
  // answer is restored only if the server has written no batch newer than that since.
  function writeStore() {
    kept = false;
    try {
      if (!hasPending()) { window.localStorage.removeItem(storeKey); return; }
      var answers = {};
      Object.keys(pending).forEach(function (q) { answers[q] = [pending[q].v, pending[q].b]; });
      var entry = { seq: seqUsed, answers: answers, saved: Date.now() };
      if (predictionPending) { entry.prediction = [predictionPending.v, predictionPending.b]; }
      window.localStorage.setItem(storeKey, JSON.stringify(entry));
      kept = true;
    } catch (e) { /* private mode or full: the page still holds them */ }
  }

  function nextSeq() {
    // Another tab of the same attempt may have numbered batches meanwhile.
    var stored = readStore();
    seqUsed = Math.max(seqUsed, serverSeq, (stored && stored.seq) || 0) + 1;
    writeStore();
    return seqUsed;
  }

  function firstPendingTime() {
    var first = predictionPending ? predictionPending.t : Infinity;
    Object.keys(pending).forEach(function (q) { first = Math.min(first, pending[q].t); });
    return first;
  }

  function plan() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (!hasPending() || inFlight || stopped) { return; }
    // After a failure the backoff alone decides; after a refusal only a new answer does.
    var due = retryAt || Math.min(Math.max(lastChange + pauseMs, lastSent + everyMs),
      firstPendingTime() + everyMs);
    if (due === Infinity) { return; }
    timer = window.setTimeout(function () { timer = null; send(false); },
      Math.max(0, due - performance.now()));
  }

  // A new answer (q: question id) or prediction (q: null), stored before anything reads it.
  function changed(q, value) {
    var now = performance.now();
    var record = { v: value, c: ++edits, b: Math.max(seqUsed, serverSeq), t: now };
    if (q === null) { predictionPending = record; } else { pending[q] = record; }
    lastChange = now;
    if (retryAt === Infinity) { retryAt = 0; }
    writeStore();
    setState("unsaved");
    plan();
  }

  function acknowledge(upTo) {
    Object.keys(pending).forEach(function (q) {
      if (pending[q].c <= upTo) { delete pending[q]; }
    });
    if (predictionPending && predictionPending.c <= upTo) { predictionPending = null; }
    writeStore();
  }

  function send(leaving) {
    if (!hasPending() || stopped || (inFlight && !leaving)) { return; }
    if (leaving && leftAt === edits) { return; }  // pagehide after visibilitychange: once
    if (remaining() < stopBefore) { stopped = true; return; }  // the submit carries them
    var upTo = edits;
    var body = { seq: nextSeq(), answers: {} };
    Object.keys(pending).forEach(function (q) { body.answers[q] = pending[q].v; });
    if (predictionPending) { body.prediction = predictionPending.v; }
    if (leaving) { leftAt = upTo; }
    inFlight += 1;
    lastSent = performance.now();
    if (!leaving) { setState("saving"); }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: leaving,  // outlives the page being left
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf,
        "X-Requested-With": "fetch" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok && data.ok) {
          if (typeof data.remaining === "number") { resync(data.remaining); }
          if (typeof data.seq === "number") { serverSeq = Math.max(serverSeq, data.seq); }
          backoff = 1000;
          retryAt = 0;
          if (data.saved === false) {
            // Overtaken by another tab's different answers: ours go again, numbered newer.
            lastSent = -Infinity;
          } else {
            acknowledge(upTo);
          }
          setState(hasPending() ? "unsaved" : "saved");
        } else if (response.status === 409) {
          // Submitted elsewhere or time is up: the result page says what happened.
          stopped = true;
          pending = {};
          predictionPending = null;
          writeStore();
          window.alert(data.error);
          window.location.href = data.result_url;
        } else if (response.status === 400 || response.status === 403) {
          // Refused input (or the session ended): retrying the same thing will not help.
          setState("unsaved");
          failing = true;
          retryAt = Infinity;
          if (data.error) { window.alert(data.error); }
        } else {
          throw new Error("HTTP " + response.status);
        }
      });
    }).catch(function () {
      setState("offline");
      backoff = Math.min(backoff * 2, 30000);
      retryAt = performance.now() + backoff;
    }).then(function () {
      inFlight -= 1;
      plan();
    });
  }

  // Entries of other attempts left for two days (a test submitted from another device, a
  // closed tab never reopened) are dropped; the device's date serves housekeeping only.
  (function prune() {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (!key || key.indexOf("attempt-answers:") !== 0 || key === storeKey) { continue; }
        var entry = JSON.parse(window.localStorage.getItem(key) || "null");
        if (!entry || !(Date.now() - entry.saved < 2 * 86400000)) {
          window.localStorage.removeItem(key);
        }
      }
    } catch (e) { /* nothing stored, or storage refused */ }
  })();

  // Unsent answers of this attempt left by an earlier visit (a reload, a crash, a lost
  // connection) come back into the form and are sent, unless the server has written a newer
  // batch since they were given (then what it rendered is newer).
  (function restore() {
    var stored = readStore();
    if (!stored) { return; }
    seqUsed = Math.max(seqUsed, stored.seq || 0);
    var now = performance.now();
    Object.keys(stored.answers || {}).forEach(function (q) {
      var value = stored.answers[q][0], base = stored.answers[q][1];
      var input = form.querySelector("input[type=radio][name='q" + q + "'][value='" + value + "']");
      if (!input || base < serverSeq) { return; }
      input.checked = true;
      pending[q] = { v: value, c: ++edits, b: base, t: now };
    });
    if (stored.prediction && prediction && stored.prediction[1] >= serverSeq) {
      prediction.value = stored.prediction[0];
      predictionPending = { v: stored.prediction[0], c: ++edits, b: stored.prediction[1], t: now };
    }
    writeStore();
  })();

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || input.name.charAt(0) !== "q") { return; }
    changed(input.name.slice(1), parseInt(input.value, 10));
    countAnswered();
  });
  if (prediction) {
    prediction.addEventListener("input", function () {
      if (prediction.value === "") {
        predictionPending = null;
        writeStore();
        return;
      }
      changed(null, prediction.value);
    });
  }
  // Leaving (another app, a closed tab, a reload): what is pending goes now, with keepalive.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { send(true); }
  });
  window.addEventListener("pagehide", function () { send(true); });

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
    forget();
  });

  // The submit carries every answer of the form (restored ones are checked in it), so the
  // stored copy goes; if the post never arrives, "back" shows this page again (below).
  function forget() {
    try { window.localStorage.removeItem(storeKey); } catch (e) { /* nothing stored */ }
  }
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted || !submitting) { return; }
    submitting = false;
    stopped = remaining() < stopBefore;
    writeStore();
    plan();
  });

  function submitNow() {
    if (submitting) { return; }
    submitting = true;
    stopped = true;
    forget();
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

  setState(hasPending() ? "unsaved" : "saved");
  countAnswered();
  plan();
  tick();
  window.setInterval(tick, 250);
})();
