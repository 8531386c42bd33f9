// The import page's progress bar: while the job is queued or running, ask the server once a second how
// far it is; when it stops (done, rejected, failed or interrupted), reload to show the result.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.active !== "1") return;
  var bar = document.getElementById("import-bar");
  var percent = document.getElementById("import-percent");
  var state = document.getElementById("import-state");
  var phase = document.getElementById("import-phase");

  function poll() {
    fetch(box.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status === null) { setTimeout(poll, 3000); return; }  // a busy server: ask again later
        bar.value = status.percent;
        bar.textContent = percent.textContent = status.percent + "%";
        state.textContent = status.label;
        state.className = "badge " + status.state;
        phase.textContent = status.phase;
        if (status.active) setTimeout(poll, 1000);
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
