// The outbox's kind filter applies as soon as a kind is chosen; without JavaScript its button does.
(function () {
  "use strict";
  var select = document.querySelector(".outbox-filter select[name=kind]");
  if (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  }
})();
