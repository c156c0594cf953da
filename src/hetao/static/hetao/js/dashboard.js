// Draws the home dashboard's charts from the JSON the server computed (no inline script: CSP forbids it).
(function () {
  "use strict";
  const palette = ["#0b5563", "#b3541e", "#1f7a8c", "#6a4c93", "#2a9d8f", "#e9c46a", "#8d99ae", "#264653"];

  function draw(element, option) {
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: palette, animation: false }, option));
    window.addEventListener("resize", () => chart.resize());
  }

  const builders = {
    projects_by_direction: (d) => ({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.map((r) => r.name), axisLabel: { width: 160, overflow: "truncate" } },
      series: [{ type: "bar", data: d.map((r) => r.value), label: { show: true, position: "right" } }],
    }),
    researchers_by_region: (d) => ({
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "60%"], center: ["50%", "45%"], data: d,
        label: { formatter: "{b}\n{c}", width: 110, overflow: "break" } }],
    }),
    pct_by_year: (d) => ({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.years },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: d.counts }],
    }),
    applications_per_month: (d) => ({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map((s) => ({ type: "line", name: s.name, data: s.data })),
    }),
    entries_per_day: (d) => ({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: d.days },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map((s) => ({ type: "bar", stack: "entries", name: s.name, data: s.data })),
    }),
    space_by_park_and_use: (d) => ({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: d.parks },
      yAxis: { type: "value" },
      series: d.series.map((s) => ({ type: "bar", stack: "area", name: s.name, data: s.data })),
    }),
  };

  document.addEventListener("DOMContentLoaded", () => {
    const source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach((element) => {
      const key = element.dataset.chart;
      if (builders[key] && data[key]) draw(element, builders[key](data[key]));
    });
  });
})();
