// Camera scanning at the check-in desk where the browser has BarcodeDetector; typing always works.
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var section = document.getElementById("scanner");
  var start = document.getElementById("scan-start");
  var video = document.getElementById("scan-video");
  var form = document.getElementById("checkin-form");
  var input = form.querySelector("input[name=code]");
  section.hidden = false;
  start.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      return video.play().then(function () {
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              input.value = codes[0].rawValue;
              stream.getTracks().forEach(function (track) { track.stop(); });
              form.submit();
            } else {
              window.requestAnimationFrame(tick);
            }
          }).catch(function () { window.requestAnimationFrame(tick); });
        };
        tick();
      });
    }).catch(function () { section.hidden = true; input.focus(); });
  });
})();
