/* 志愿活动签到: "用手机定位签到" asks the browser for the phone's position and submits the check-in
   form with it (the server checks the distance to the place); the code field is the other way. */
(function () {
  "use strict";
  var form = document.getElementById("check-in-form");
  var button = document.getElementById("check-in-gps");
  var status = document.getElementById("ci-status");
  if (!form || !button) { return; }
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = button.getAttribute("data-unsupported") || ""; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("ci-lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("ci-lng").value = pos.coords.longitude.toFixed(6);
      document.getElementById("ci-code").value = "";
      form.submit();
    }, function (err) { status.textContent = err.message; }, { timeout: 10000, enableHighAccuracy: true });
  });
}());
