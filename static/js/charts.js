// Charts of the consolidated report view. Each <canvas data-chart="ID"> is drawn from the JSON block <script
// type="application/json" id="ID"> the page carries: {label, measure, percent, labels, values[, titles]}.
// No inline script, so the page works under a strict Content-Security-Policy; Chart.js is served locally.
(() => {
  if (!window.Chart) return;
  const number = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 });
  const text = (value, spec) => (value === null || value === undefined
    ? "–" : `${number.format(value)}${spec.percent ? " %" : ""}`);
  const colour = "#8f1d1d";

  const draw = (canvas, spec) => {
    const kind = canvas.dataset.chart === "chart-history" ? "line" : "bar";
    return new window.Chart(canvas, {
      type: kind,
      data: {
        labels: spec.labels,
        datasets: [{
          label: spec.percent ? `${spec.label} (%)` : `${spec.label} (${spec.measure})`,
          data: spec.values,
          backgroundColor: kind === "bar" ? "rgba(143, 29, 29, .75)" : colour,
          borderColor: colour,
          spanGaps: true,
          tension: 0.2,
        }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        locale: "vi-VN",
        plugins: {
          legend: { display: false },
          title: { display: true, text: spec.label },
          tooltip: {
            callbacks: {
              title: (items) => (spec.titles ? spec.titles[items[0].dataIndex] : items[0].label),
              label: (item) => text(item.raw, spec),
            },
          },
        },
        scales: {
          y: {
            beginAtZero: true,
            max: spec.percent ? 100 : undefined,
            ticks: { callback: (value) => text(value, spec), precision: spec.percent ? undefined : 0 },
          },
        },
      },
    });
  };

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (source) draw(canvas, JSON.parse(source.textContent));
  });
})();
