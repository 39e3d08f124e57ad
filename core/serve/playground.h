#pragma once
// The web playground that `maas serve` returns for GET /: one self-contained HTML page with its
// CSS and JavaScript inline. It references no external URL, so it works offline and behind a
// firewall.
//
// What the page does, all through the server's own routes on the same origin:
// - lists the loaded models from GET /v1/models, and lets the user type a model name when that
//   route is missing (404);
// - sends the typed text to POST /v1/models/NAME:predict and draws one bar per label;
// - polls GET /metrics every 2 s and shows the request rate and latency computed from the
//   `_count`, `_sum` and `_bucket` series of the request-duration histogram, or "metrics
//   unavailable" when that route fails;
// - sends "Authorization: Bearer KEY" when the user enters an API key, which stays in the tab's
//   sessionStorage.
// Model names and labels reach the page only through textContent and setAttribute, never as
// markup, so a label such as "<b>" is shown as text.
//
// Query parameters, for links and for headless browser tests: `model=NAME` selects a model,
// `text=...` fills the text box, and `run=1` clicks Predict once the models are listed.

#include <string_view>

namespace maas::serve {

// Returns the page as UTF-8 HTML. The text is a static constant, valid for the life of the program.
std::string_view playground_html();

}  // namespace maas::serve
