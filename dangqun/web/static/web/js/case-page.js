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
    if (maxFiles && files.length > maxFiles) { problems.push("一次最多上传" + maxFiles + "张照片"); }
    files.forEach(function (file) {
      if (!IMAGE.test(file.type)) { problems.push("“" + file.name + "”不是图片(支持 JPG、PNG、WebP、HEIC)"); }
      else if (maxBytes && file.size > maxBytes) { problems.push("“" + file.name + "”过大,每张不能超过" + Math.round(maxBytes / 1048576) + "MB"); }
    });
    input.setCustomValidity(problems.join(";"));
    input.setAttribute("aria-invalid", problems.length ? "true" : "false");
    if (box) { box.textContent = problems.join(";"); box.hidden = !problems.length; }
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
