// A background job's page follows the job: it asks for the job's state (a small JSON answer)
// every few seconds, moves the progress bar, and once the job has ended reloads itself to show
// the result. Without JavaScript the page's "Refresh" link does the same by hand.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-status");
  var template = box.getAttribute("data-of") || "%(done)s / %(total)s";
  var bar = box.querySelector("progress");
  var state = box.querySelector("[data-job-state]");
  var count = box.querySelector("[data-job-count]");
  var message = box.querySelector("[data-job-message]");
  var delay = 1500;
  var failures = 0;
  var number = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || undefined) : null;

  function format(value) {
    return number ? number.format(value) : String(value);
  }

  function show(status) {
    if (status.total > 0) {
      bar.max = status.total;
      bar.value = status.done;
      bar.textContent = status.percent + "%";
      count.textContent = template.replace("%(done)s", format(status.done)).replace("%(total)s", format(status.total));
    }
    if (state.textContent !== status.state_label) {
      state.textContent = status.state_label; // the live region: read out when the state changes
    }
    message.textContent = status.message || "";
    box.setAttribute("data-state", status.state);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        show(status);
        if (status.finished) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay + 500, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, 5000);
        }
      });
  }

  window.setTimeout(poll, delay);
})();
