// Service insights: one small line chart per measure (Chart.js from /static; data in data-* attributes).
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  const scale = { hours: 1, percent: 100, rating: 1, number: 1 };
  document.querySelectorAll("canvas.insights-chart").forEach((canvas) => {
    const unit = canvas.dataset.unit;
    const values = JSON.parse(canvas.dataset.values).map((v) => (v === null ? null : v * (scale[unit] || 1)));
    new Chart(canvas, {
      type: unit === "number" ? "bar" : "line",
      data: {
        labels: JSON.parse(canvas.dataset.labels),
        datasets: [{ label: canvas.dataset.label, data: values, borderColor: "#0b6e4f", backgroundColor: "#9fd3c0", spanGaps: true }],
      },
      options: {
        responsive: true,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, suggestedMax: unit === "percent" ? 100 : undefined } },
      },
    });
  });
});
