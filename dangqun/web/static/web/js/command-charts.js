/* 指挥中心 charts: draws the ECharts series embedded as JSON (#chart-data) into [data-chart] boxes.
   Re-draws after an htmx swap (big screen polling). No inline script: CSP script-src 'self'. */
(function () {
  "use strict";
  var RED = "#b3261e", GREY = "#8c8c8c", BLUE = "#1a5fb4", GOLD = "#c58a00";
  var charts = [];
  var ACCEPTED = gettext("受理"), RESOLVED = gettext("办结"), SATISFACTION = gettext("满意率%");

  function dark() { return document.body.classList.contains("screen"); }
  function gridLines() { return { lineStyle: { color: dark() ? "#2c3446" : "#e3e3e3" } }; }

  function barOption(series, horizontal) {
    var text = dark() ? "#e8e8e8" : "#333";
    var cat = { type: "category", data: series.labels, axisLabel: { color: text, interval: 0, rotate: horizontal ? 0 : 30 } };
    var val = { type: "value", axisLabel: { color: text }, splitLine: gridLines() };
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: [ACCEPTED, RESOLVED], textStyle: { color: text } },
      grid: { left: horizontal ? 110 : 40, right: 16, top: 32, bottom: horizontal ? 24 : 70 },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? cat : val,
      series: [
        { name: ACCEPTED, type: "bar", data: series.accepted, itemStyle: { color: GREY } },
        { name: RESOLVED, type: "bar", data: series.resolved, itemStyle: { color: RED } }
      ]
    };
  }

  function pieOption(series) {
    var text = dark() ? "#e8e8e8" : "#333";
    return {
      animation: false,
      tooltip: { trigger: "item" },
      series: [{
        type: "pie", radius: ["35%", "65%"], label: { color: text },
        data: series.labels.map(function (label, i) { return { name: label, value: series.accepted[i] }; })
      }]
    };
  }

  function lineOption(series) {
    var text = dark() ? "#e8e8e8" : "#333";
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: [ACCEPTED, RESOLVED, SATISFACTION], textStyle: { color: text } },
      grid: { left: 40, right: 40, top: 32, bottom: 40 },
      xAxis: { type: "category", data: series.labels, axisLabel: { color: text } },
      yAxis: [
        { type: "value", axisLabel: { color: text }, splitLine: gridLines() },
        { type: "value", max: 100, axisLabel: { color: text }, splitLine: { show: false } }
      ],
      series: [
        { name: ACCEPTED, type: "line", data: series.accepted, itemStyle: { color: BLUE } },
        { name: RESOLVED, type: "line", data: series.resolved, itemStyle: { color: RED } },
        { name: SATISFACTION, type: "line", yAxisIndex: 1, data: series.satisfaction_rate, itemStyle: { color: GOLD } }
      ]
    };
  }

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (box) {
      var key = box.getAttribute("data-chart");
      var series = data[key];
      if (!series) { return; }
      if (!series.labels.length) { box.textContent = gettext("本期暂无数据"); box.classList.add("chart-empty"); return; }
      var chart = window.echarts.init(box, null, { renderer: "canvas" });
      var option = key === "category" ? pieOption(series) : key === "time" ? lineOption(series) : barOption(series, key === "department");
      chart.setOption(option);
      charts.push(chart);
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.addEventListener("htmx:afterSwap", draw);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
