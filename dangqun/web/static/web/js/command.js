/* 指挥中心 page helpers: a select marked [data-autosubmit] submits its form when changed. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
})();
