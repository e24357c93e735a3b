// While the solver works, the proposal page asks the server for itself every two seconds and shows
// the progress; once the proposal is finished it reloads into the result. (No <meta refresh>: a
// page that reloads itself on a timer takes the reader's place and focus away.)
(function () {
  "use strict";
  var box = document.querySelector("[data-proposal-running]");
  if (!box || !window.fetch || !window.DOMParser) return;
  var status = document.getElementById("proposal-status");
  var bar = box.querySelector("progress");
  function poll() {
    window.fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new window.DOMParser().parseFromString(html, "text/html");
        var running = fresh.querySelector("[data-proposal-running]");
        if (!running) { window.location.reload(); return; }
        var freshStatus = fresh.getElementById("proposal-status");
        var freshBar = running.querySelector("progress");
        if (freshStatus && status) status.textContent = freshStatus.textContent;
        if (freshBar && bar) { bar.value = freshBar.value; bar.textContent = freshBar.textContent; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
