// The result page's charts: totals over the cycles (line) and each section's share
// earned (radar), from the JSON the page carries. Nothing is drawn without Chart.js.
(function () {
  if (typeof Chart === "undefined") { return; }
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : [];
  }
  var history = data("history-data");
  var sections = data("section-data");
  var line = document.getElementById("history-chart");
  if (line && history.length) {
    new Chart(line, {
      type: "line",
      data: {
        labels: history.map(function (row) { return row.cycle; }),
        datasets: [{ label: line.getAttribute("aria-label"), data: history.map(function (row) { return row.total; }) }]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { suggestedMin: 60, suggestedMax: 100 } }
      }
    });
  }
  var radar = document.getElementById("section-chart");
  if (radar && sections.length) {
    new Chart(radar, {
      type: sections.length >= 3 ? "radar" : "bar",
      data: {
        labels: sections.map(function (row) { return row.section; }),
        datasets: [{ label: radar.getAttribute("aria-label"), data: sections.map(function (row) { return row.percent; }) }]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: sections.length >= 3 ? { r: { min: 0, max: 100 } } : { y: { min: 0, max: 100 } }
      }
    });
  }
})();
