/* 指挥中心 page helpers.
   - a select marked [data-autosubmit] submits its form when changed;
   - a select marked [data-unit-options] (the queue's lead and co-unit lists) gets every unit from the
     page's one <template id="unit-options">, keeping the options the server marked selected (the
     routing suggestion) and any the template lacks (a suggested community or grid). */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });

  var template = document.getElementById("unit-options");
  if (!template) { return; }
  var units = template.content.querySelectorAll("option");
  var known = {};
  units.forEach(function (option) { known[option.value] = true; });
  document.querySelectorAll("select[data-unit-options]").forEach(function (select) {
    var selected = {};
    var extra = [];
    Array.prototype.slice.call(select.options).forEach(function (option) {
      if (option.value === "") { return; }
      if (option.selected) { selected[option.value] = true; }
      if (!known[option.value]) { extra.push(option); }
      option.remove();
    });
    units.forEach(function (unit) {
      var option = unit.cloneNode(true);
      option.selected = Boolean(selected[option.value]);
      select.appendChild(option);
    });
    extra.forEach(function (option) { select.appendChild(option); });
  });
})();
