// Draws the charts from the JSON the server computed (no inline script: CSP forbids it). Numbers are
// formatted for the page's language (<html lang>); long names wrap instead of being cut and are shown in full
// in tooltips; labels that would overlap are hidden (the legend, the tooltip and the "show as table" box under
// each chart still give every figure).
(function () {
  "use strict";
  const palette = ["#0b5563", "#b3541e", "#1f7a8c", "#6a4c93", "#2a9d8f", "#e9c46a", "#8d99ae", "#264653"];
  const lang = document.documentElement.lang || undefined;
  const numbers = new Intl.NumberFormat(lang);
  const percents = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const fmt = (value) => (typeof value === "number" ? numbers.format(value) : String(value ?? ""));

  const valueAxis = { type: "value", minInterval: 1, axisLabel: { formatter: fmt } };
  const legend = { type: "scroll", bottom: 0 };
  const gridWithLegend = { left: 8, right: 16, top: 16, bottom: 40, containLabel: true };

  function draw(element, option) {
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: palette, animation: false }, option, {
      // Tooltips are drawn in the SVG (richText): ECharts' HTML tooltips carry style="" attributes, which the
      // CSP refuses. confine: the tooltip stays inside the chart on a phone. Every value in the page's format.
      tooltip: Object.assign({ renderMode: "richText", confine: true, valueFormatter: fmt }, option.tooltip),
    }));
    window.addEventListener("resize", () => chart.resize());
  }

  function stacked(categories, series, type, stack) {
    return {
      tooltip: { trigger: "axis" },
      legend,
      grid: gridWithLegend,
      xAxis: { type: "category", data: categories, axisLabel: { hideOverlap: true } },
      yAxis: valueAxis,
      series: series.map((s) => ({ type, stack, name: s.name, data: s.data })),
    };
  }

  const builders = {
    projects_by_direction: (d, element) => {
      // One row per direction, tall enough for names wrapped on two lines.
      element.style.height = `${Math.max(320, d.length * 34 + 40)}px`;
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        xAxis: valueAxis,
        yAxis: { type: "category", inverse: true, data: d.map((r) => r.name),
          axisLabel: { width: Math.max(100, element.clientWidth * 0.4), overflow: "break", lineHeight: 14 } },
        series: [{ type: "bar", data: d.map((r) => r.value),
          label: { show: true, position: "right", formatter: (p) => fmt(p.value) } }],
      };
    },
    researchers_by_region: (d, element) => {
      const values = Object.fromEntries(d.map((r) => [r.name, r.value]));
      return {
        tooltip: { trigger: "item", formatter: (p) => `${p.name}: ${fmt(p.value)} (${percents.format(p.percent)}%)` },
        // A legend that wraps onto more lines and gives every value, even for slices too thin for a label.
        legend: { bottom: 0, formatter: (name) => `${name} ${fmt(values[name])}` },
        series: [{ type: "pie", radius: ["35%", "58%"], center: ["50%", "44%"], data: d,
          avoidLabelOverlap: true, minShowLabelAngle: 4, labelLayout: { hideOverlap: true },
          // On a phone the labels would be cut at the edges: the legend alone names the slices there.
          label: { show: element.clientWidth >= 480, formatter: (p) => `${p.name}\n${fmt(p.value)}`,
            lineHeight: 15, width: 120, overflow: "break" } }],
      };
    },
    pct_by_year: (d) => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.years, axisLabel: { hideOverlap: true } },
      yAxis: valueAxis,
      series: [{ type: "bar", name: "", data: d.counts }],
    }),
    applications_per_month: (d) => stacked(d.months, d.series, "line"),
    entries_per_day: (d) => stacked(d.days, d.series, "bar", "entries"),
    space_by_park_and_use: (d) => stacked(d.parks, d.series, "bar", "area"),
  };

  document.addEventListener("DOMContentLoaded", () => {
    const source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach((element) => {
      const key = element.dataset.chart;
      if (builders[key] && data[key]) draw(element, builders[key](data[key], element));
    });
  });
})();
