#pragma once
// Every HTTP route the server registers, in one table. The server installs exactly these routes,
// and a test checks them against the OpenAPI document (docs/openapi.json), so the two cannot drift.

#include <string_view>
#include <vector>

namespace maas::serve {

enum class RouteHandler {
  kPlayground,
  kHealthz,
  kMetrics,
  kOpenApi,
  kListModels,
  kTfStatus,
  kTfMetadata,
  kTfPredict,
  kTfClassify,
  kV2Server,
  kV2Live,
  kV2Ready,
  kV2ModelMetadata,
  kV2ModelReady,
  kV2Infer,
};

struct Route {
  std::string_view method;    // "GET" or "POST"
  std::string_view path;      // OpenAPI path template, like /v1/models/{name}:predict
  std::string_view pattern;   // regular expression httplib matches against the whole path
  RouteHandler handler;
  bool public_route;          // served without an API key (health checks and the static page)
};

// Returns the routes in registration order.
const std::vector<Route>& routes();

}  // namespace maas::serve
