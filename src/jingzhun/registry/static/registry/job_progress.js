// A job page's progress bar (imports and exports): while the job is queued or running, ask the server once
// a second how far it is; when it stops (done, rejected, failed or interrupted), reload to show the result.
// The page holds one `.progress` box with its status URL, a <progress>, and .percent, .badge and .phase.
(function () {
  "use strict";
  var box = document.querySelector(".progress[data-url]");
  if (!box || box.dataset.active !== "1") return;
  var bar = box.querySelector("progress");
  var percent = box.querySelector(".percent");
  var state = box.querySelector(".badge");
  var phase = box.querySelector(".phase");

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
