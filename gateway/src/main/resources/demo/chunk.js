// A lazily loaded chunk, served by version {{VERSION}}.
(function () {
  var state = window.__turnout;
  state.responses.push({ kind: "chunk", version: "{{VERSION}}" });
  if ("{{VERSION}}" !== state.page) {
    document.getElementById("summary").textContent += " A lazy chunk came from {{VERSION}}!";
  }
})();
