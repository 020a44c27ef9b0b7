// Link report charts: clicks and impressions per offer (Chart.js, served from /static).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("offer-chart");
  if (!canvas || typeof Chart === "undefined") return;
  const rows = JSON.parse(canvas.dataset.rows);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((r) => r.name),
      datasets: [
        { label: canvas.dataset.impressions, data: rows.map((r) => r.impressions), backgroundColor: "#9fd3c0" },
        { label: canvas.dataset.clicks, data: rows.map((r) => r.clicks), backgroundColor: "#0b6e4f" },
      ],
    },
    options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
});
