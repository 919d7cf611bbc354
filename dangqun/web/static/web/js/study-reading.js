/* 党员学习 reading page: bigger or smaller type (remembered on this device), read the text aloud with
   the browser's speech synthesis (zh-CN), and count the seconds the page is in view so that
   "我已学完" reports the time spent. */
(function () {
  "use strict";
  var page = document.getElementById("reading");
  if (!page) { return; }
  var KEY = "dangqun.study.size";
  var size = parseFloat(window.localStorage.getItem(KEY) || "1.35");
  function apply() {
    page.style.setProperty("--read-size", size + "rem");
    document.querySelectorAll(".reading").forEach(function (el) { el.style.setProperty("--read-size", size + "rem"); });
    try { window.localStorage.setItem(KEY, String(size)); } catch (e) { /* private mode */ }
  }
  function step(delta) { size = Math.min(2.4, Math.max(1, Math.round((size + delta) * 100) / 100)); apply(); }
  var bigger = document.getElementById("read-bigger");
  var smaller = document.getElementById("read-smaller");
  if (bigger) { bigger.addEventListener("click", function () { step(0.15); }); }
  if (smaller) { smaller.addEventListener("click", function () { step(-0.15); }); }
  apply();

  var aloud = document.getElementById("read-aloud");
  var body = document.getElementById("read-body");
  if (aloud && body && window.speechSynthesis && window.SpeechSynthesisUtterance) {
    aloud.hidden = false;
    aloud.addEventListener("click", function () {
      if (window.speechSynthesis.speaking) {
        window.speechSynthesis.cancel();
        aloud.textContent = aloud.getAttribute("data-start") || gettext("朗读全文");
        return;
      }
      var say = new window.SpeechSynthesisUtterance(body.innerText);
      say.lang = "zh-CN";
      say.rate = 0.9;
      say.onend = function () { aloud.textContent = aloud.getAttribute("data-start") || gettext("朗读全文"); };
      window.speechSynthesis.speak(say);
      aloud.textContent = aloud.getAttribute("data-stop") || gettext("停止朗读");
    });
  }

  var field = document.getElementById(page.getAttribute("data-seconds-field") || "");
  if (field) {
    var seconds = 0;
    window.setInterval(function () {
      if (document.visibilityState === "visible" && seconds < 3600) {
        seconds += 1;
        field.value = String(seconds);
      }
    }, 1000);
  }
}());
