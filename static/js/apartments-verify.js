/*
 * The verify page of an allocation round (/apartments/rounds/<id>/verify/), recomputed once
 * more in the visitor's own browser: the page works without it, and the server has already
 * recomputed everything; this repeats the check with code the visitor can read here.
 *
 * It downloads the frozen list and the published result as plain text, checks
 * SHA-256(seed) against the commitment and SHA-256(list) against the published fingerprint,
 * orders the list (lottery: by SHA-256(seed:general:reference); queue: by score, then
 * submission time, then reference) and compares the order with the published result.
 * Web Crypto only; nothing leaves the browser.
 */
(function () {
  "use strict";

  var box = document.getElementById("browser-check");
  if (!box || !window.crypto || !window.crypto.subtle || !window.fetch) {
    return;
  }
  var data = box.dataset;
  var output = box.querySelector("[data-output]");

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (byte) {
        return byte.toString(16).padStart(2, "0");
      })
      .join("");
  }

  function sha256(text) {
    return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(hex);
  }

  function text(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.text();
    });
  }

  function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // The key of the draw: the seed, and the public random value when there is one
  // (apartments/lottery.py, step 3).
  function drawKey() {
    return data.beacon ? data.seed + ":" + data.beacon : data.seed;
  }

  function order(lines) {
    var rows = lines.map(function (line) {
      var parts = line.split("|");
      return { reference: parts[0], score: Number(parts[2]), submitted: parts[3] };
    });
    if (!data.seed) {
      rows.sort(function (a, b) {
        return b.score - a.score || compare(a.submitted, b.submitted) || compare(a.reference, b.reference);
      });
      return Promise.resolve(rows.map(function (row) { return row.reference; }));
    }
    return Promise.all(
      rows.map(function (row) {
        return sha256(drawKey() + ":general:" + row.reference).then(function (key) {
          row.key = key;
          return row;
        });
      })
    ).then(function (keyed) {
      keyed.sort(function (a, b) {
        return compare(a.key, b.key) || compare(a.reference, b.reference);
      });
      return keyed.map(function (row) { return row.reference; });
    });
  }

  function say(ok, message) {
    output.textContent = message;
    output.className = "apt-verdict " + (ok ? "apt-verdict--yes" : "apt-verdict--no");
  }

  box.hidden = false;
  output.textContent = data.working;
  Promise.all([text(data.listUrl), text(data.resultUrl)])
    .then(function (texts) {
      var list = texts[0];
      var published = texts[1].split("\n").filter(Boolean).map(function (line) {
        return line.split("|")[2];
      });
      var lines = list.split("\n").filter(Boolean);
      return Promise.all([
        data.seed ? sha256(data.seed) : Promise.resolve(data.commitment),
        sha256(list),
        order(lines),
      ]).then(function (results) {
        var ok =
          results[0] === data.commitment &&
          results[1] === data.listHash &&
          results[2].length === published.length &&
          results[2].every(function (reference, index) {
            return reference === published[index];
          });
        say(ok, ok ? data.matches : data.differs);
      });
    })
    .catch(function () {
      say(false, data.failed);
    });
})();
