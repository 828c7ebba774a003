// Progressive enhancement for the question page: autosave with an offline queue, and an
// accessible countdown. Without this file the page still works: answers are saved when
// the learner moves on, and the server enforces the deadline.
(function () {
  "use strict";

  var root = document.getElementById("attempt");
  var form = document.getElementById("answer-form");
  if (!root || !form) { return; }

  var statusBox = document.getElementById("save-status");
  var storageKey = root.dataset.storageKey;
  var autosaveUrl = root.dataset.autosaveUrl;
  var csrfInput = form.querySelector("input[name=csrf_token]");
  var fieldset = form.querySelector("fieldset.question");
  var retryTimer = null;
  var typingTimer = null;
  var inFlight = false;
  // The answer the server has, as entries: what the page showed, then each confirmed save.
  var lastSaved = null;

  function setStatus(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "save-status" + (kind ? " save-status-" + kind : "");
  }

  // The answer fields only: not the CSRF token, not the navigation buttons.
  function answerEntries() {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "action") { entries.push([name, value]); }
    });
    return entries;
  }

  function storePending(entries) {
    try { localStorage.setItem(storageKey, JSON.stringify(entries)); } catch (e) { /* private mode */ }
  }

  function readPending() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { return null; }
  }

  function clearPending() {
    try { localStorage.removeItem(storageKey); } catch (e) { /* private mode */ }
  }

  var OFFLINE = "Offline: not saved yet.";
  var KEPT = " Your answer is kept on this page and will be sent again.";
  var LOGGED_OUT = "Not saved: you are no longer logged in. Log in again (in another tab), " +
    "then reload this page: it keeps your answer and sends it.";

  // The answer stays queued (here and in localStorage) until the server says "saved".
  function keepQueued(reason) {
    setStatus(reason + KEPT, "offline");
    scheduleRetry();
  }

  function scheduleRetry() {
    if (retryTimer === null) {
      retryTimer = window.setTimeout(function () { retryTimer = null; send(); }, 5000);
    }
  }

  function send() {
    var entries = readPending();
    if (!entries || inFlight) { return; }
    if (!navigator.onLine) { keepQueued(OFFLINE); return; }
    inFlight = true;
    setStatus("Saving…", "saving");
    var body = new URLSearchParams();
    entries.forEach(function (entry) { body.append(entry[0], entry[1]); });
    fetch(autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfInput.value, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        inFlight = false;
        if (response.ok && data.status === "saved") {
          // Only forget the answer if nothing newer was typed while this one was saving.
          lastSaved = JSON.stringify(entries);
          if (JSON.stringify(readPending()) === lastSaved) { clearPending(); setStatus("Saved", "saved"); }
          else { send(); }
        } else if (response.ok || data.reason === "csrf") {
          // Not the autosave's answer (a redirect followed to the log-in page), or a
          // session that is not the page's any more: only a reloaded page can send it.
          setStatus(LOGGED_OUT, "error");
        } else if (response.status === 409 && data.redirect) {
          clearPending();
          setStatus(data.message || "This attempt is closed.", "error");
          window.setTimeout(function () { window.location.assign(data.redirect); }, 2500);
        } else if (response.status >= 500) {
          // The server's message says what is wrong (a read-only database, a full disk).
          keepQueued(data.message || "Not saved: the server could not store it just now.");
        } else {
          clearPending();
          setStatus((data.message || "This answer could not be saved.") + " It was not saved.", "error");
        }
      });
    }).catch(function () {
      inFlight = false;
      keepQueued(OFFLINE);
    });
  }

  function answerChanged(delay) {
    storePending(answerEntries());
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(send, delay);
  }

  function restore(entries) {
    var values = {};
    entries.forEach(function (entry) { (values[entry[0]] = values[entry[0]] || []).push(entry[1]); });
    Array.prototype.forEach.call(fieldset.querySelectorAll("input, select"), function (input) {
      var given = values[input.name] || [];
      if (input.type === "radio" || input.type === "checkbox") { input.checked = given.indexOf(input.value) !== -1; }
      else { input.value = given.length ? given[0] : ""; }
    });
  }

  if (fieldset && !fieldset.disabled) {
    fieldset.addEventListener("change", function () { answerChanged(0); });
    fieldset.addEventListener("input", function (event) {
      if (event.target.type === "text") { answerChanged(700); }
    });
    lastSaved = JSON.stringify(answerEntries());
    var pending = readPending();
    // The page shows the saved answer: a queued one that equals it has arrived.
    if (pending && JSON.stringify(pending) === lastSaved) { clearPending(); }
    else if (pending) { restore(pending); send(); }
    window.addEventListener("online", send);
    window.addEventListener("offline", function () {
      if (readPending()) { setStatus(OFFLINE + KEPT, "offline"); }
    });
    form.addEventListener("submit", function (event) {
      if (!navigator.onLine) {
        event.preventDefault();
        keepQueued(OFFLINE);
        storePending(answerEntries());
        return;
      }
      // The form carries the answer. One the server does not have yet stays queued until
      // a page shows it saved: a 503 page or a lost connection would otherwise lose it.
      var sent = answerEntries();
      if (JSON.stringify(sent) === lastSaved) { clearPending(); } else { storePending(sent); }
    });
  } else if (fieldset) {
    clearPending();  // the answer is final: nothing may be sent any more
  }

  // ------------------------------------------------------------------ countdown
  var deadline = root.dataset.deadline && Date.parse(root.dataset.deadline);
  if (!deadline) { return; }
  var serverNow = Date.parse(root.dataset.now);
  var startedAt = performance.now();
  var remainingAtLoad = deadline - (isNaN(serverNow) ? Date.now() : serverNow);
  var remainingText = document.getElementById("timer-remaining");
  var announcer = document.getElementById("timer-announcer");
  var toggle = document.getElementById("timer-toggle");
  var display = document.getElementById("timer-display");
  var thresholds = [10, 5, 1];
  var lastMinutes = Math.ceil(remainingAtLoad / 60000);

  function remaining() { return remainingAtLoad - (performance.now() - startedAt); }

  function format(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    var mmss = (hours ? hours + ":" + String(minutes).padStart(2, "0") : String(minutes)) + ":" + String(seconds).padStart(2, "0");
    return mmss;
  }

  // The result page submits the attempt: first let the last answer reach the server
  // (the server accepts it within a short grace after the deadline).
  function goToResultWhenSaved(giveUpAt) {
    if ((inFlight || readPending()) && Date.now() < giveUpAt) {
      window.setTimeout(function () { goToResultWhenSaved(giveUpAt); }, 250);
      return;
    }
    window.location.assign(root.dataset.resultUrl);
  }

  function tick() {
    var ms = remaining();
    remainingText.textContent = format(ms);
    var minutes = Math.ceil(ms / 60000);
    thresholds.forEach(function (mark) {
      // Announce once, when the countdown crosses the mark; never every second.
      if (lastMinutes > mark && minutes <= mark) {
        announcer.textContent = mark === 1 ? "1 minute left." : mark + " minutes left.";
      }
    });
    lastMinutes = minutes;
    if (ms <= 0) {
      announcer.textContent = "Time is up. Your attempt is being submitted.";
      send();
      goToResultWhenSaved(Date.now() + 10000);
      return;
    }
    window.setTimeout(tick, 1000);
  }

  toggle.hidden = false;
  function applyTimerVisibility(hidden) {
    display.hidden = hidden;
    toggle.textContent = hidden ? "Show timer" : "Hide timer";
    toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
  }
  applyTimerVisibility(localStorage.getItem("quizapp-timer-hidden") === "1");
  toggle.addEventListener("click", function () {
    var hidden = !display.hidden;
    try { localStorage.setItem("quizapp-timer-hidden", hidden ? "1" : "0"); } catch (e) { /* private mode */ }
    applyTimerVisibility(hidden);
  });
  tick();
}());
