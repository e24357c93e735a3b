// Starts Redoc on /api/redoc/ without inline script. The schema's URL comes from the container;
// the nonce of this script's own tag is handed to Redoc, which puts it on the <style> elements it
// generates, the only inline styles the page's Content-Security-Policy lets through.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  window.Redoc.init(container.dataset.specUrl, { nonce: document.currentScript.nonce }, container);
})();
