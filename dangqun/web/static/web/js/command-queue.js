/* 指挥中心 queue: the full dispatch form arrives on demand (htmx); its co-unit checklist is filtered
   as one types in its [data-filter-units] box (delegated, so forms swapped in later work too). */
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-filter-units]")) { return; }
    var needle = box.value.trim().toLowerCase();
    var list = box.closest("fieldset").querySelectorAll(".co-unit-list label");
    list.forEach(function (label) {
      var checked = label.querySelector("input").checked;
      label.hidden = Boolean(needle) && !checked && label.textContent.toLowerCase().indexOf(needle) === -1;
    });
  });
  // the swapped-in form replaces its placeholder (outerHTML): find it again by id, focus its lead unit
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var form = id ? document.getElementById(id) : null;
    var lead = form ? form.querySelector("select[name=lead]") : null;
    if (lead) { lead.focus(); }
  });
})();
