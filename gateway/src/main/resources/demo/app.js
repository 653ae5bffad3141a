// Served by version {{VERSION}}. Records every response the page gets, so a person (and the
// browser test) can see whether the page ever talked to another version.
(function () {
  var state = window.__turnout;
  state.responses.push({ kind: "script", version: "{{VERSION}}" });
  var ok = 0, mixed = 0;

  function record(kind, version) {
    state.responses.push({ kind: kind, version: version });
    var match = version === state.page;
    if (match) { ok++; } else { mixed++; }
    var row = document.createElement("tr");
    row.innerHTML = "<td>" + new Date().toLocaleTimeString() + "</td><td>" + kind + "</td><td>" +
      version + "</td><td class=\"" + (match ? "ok\">same version" : "bad\">MISMATCH") + "</td>";
    var log = document.getElementById("log");
    log.insertBefore(row, log.firstChild);
    while (log.children.length > 12) { log.removeChild(log.lastChild); }
    document.getElementById("summary").textContent =
      ok + " call(s) answered by " + state.page + ", " + mixed + " by another version.";
  }

  function callApi() {
    fetch("/api/version", { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (body) { record("api", body.version); })
      .catch(function (e) { record("api", "error: " + e); });
  }

  // A lazily loaded chunk, as a code-split single-page app does after start-up. Its name is
  // content-hashed, so only this version has it.
  window.__turnoutLoadChunk = function () {
    var s = document.createElement("script");
    s.src = "{{CHUNK}}?t=" + Date.now();
    document.body.appendChild(s);
  };
  setTimeout(window.__turnoutLoadChunk, 1500);

  callApi();
  setInterval(callApi, 1000);
})();
