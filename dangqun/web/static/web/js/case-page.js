/* Case page and workbench: refuse a photo that is too large, not an image or one too many before it
   is sent (the server checks again), and put the keyboard focus on a form that came back with errors. */
(function () {
  "use strict";
  var IMAGE = /^image\/(jpeg|png|webp|heic|heif)$/;

  function check(input) {
    var box = input.parentNode.querySelector("[data-upload-error]");
    var maxBytes = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
    var maxFiles = parseInt(input.getAttribute("data-max-files") || "0", 10);
    var problems = [];
    var files = Array.prototype.slice.call(input.files || []);
    if (maxFiles && files.length > maxFiles) { problems.push(interpolate(gettext("一次最多上传%(count)s张照片"), { count: maxFiles }, true)); }
    files.forEach(function (file) {
      if (!IMAGE.test(file.type)) { problems.push(interpolate(gettext("“%(name)s”不是图片(支持 JPG、PNG、WebP、HEIC)"), { name: file.name }, true)); }
      else if (maxBytes && file.size > maxBytes) { problems.push(interpolate(gettext("“%(name)s”过大,每张不能超过%(mb)sMB"), { name: file.name, mb: Math.round(maxBytes / 1048576) }, true)); }
    });
    var joined = problems.join(gettext(";"));
    input.setCustomValidity(joined);
    input.setAttribute("aria-invalid", problems.length ? "true" : "false");
    if (box) { box.textContent = joined; box.hidden = !problems.length; }
    return !problems.length;
  }

  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { check(input); });
    input.form.addEventListener("submit", function (event) {
      if (!check(input)) { event.preventDefault(); input.focus(); }
    });
  });

  var failed = document.querySelector(".move-form.has-errors");
  if (failed) {
    failed.scrollIntoView({ block: "center" });
    var first = failed.querySelector("[aria-invalid=true], textarea, select, input:not([type=hidden])");
    if (first) { first.focus(); }
  }
})();
