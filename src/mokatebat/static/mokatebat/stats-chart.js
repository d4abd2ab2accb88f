// Draws the monthly chart of a statistics page from the JSON beside it. The table under the chart
// holds the same numbers, so the page is complete without this script.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("monthly-data");
    var canvas = document.getElementById("monthly-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var digits = new Intl.NumberFormat("fa-IR");
    var font = { family: "Vazirmatn, Tahoma, sans-serif" };
    window.Chart.defaults.font.family = font.family;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return { label: series.label, data: series.data, backgroundColor: index ? "#2e7d32" : "#0d47a1" };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        locale: "fa-IR",
        plugins: { legend: { rtl: true, labels: { font: font } }, tooltip: { rtl: true } },
        scales: {
          x: { reverse: document.dir === "rtl", ticks: { font: font } },
          y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return digits.format(v); } } },
        },
      },
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
