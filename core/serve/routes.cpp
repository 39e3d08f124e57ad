#include "core/serve/routes.h"

namespace maas::serve {

// A model name is one path segment that cannot start with '.', so ".." never matches, and a
// version is a decimal number below 10^18 (see io::is_valid_model_name and parse_version_folder).
#define MAAS_NAME "([A-Za-z0-9_][A-Za-z0-9._-]{0,127})"
#define MAAS_VERSION_NUMBER "([0-9]{1,18})"

const std::vector<Route>& routes() {
  static const std::vector<Route> kRoutes = {
      {"POST", "/v1/models/{name}:predict", "/v1/models/" MAAS_NAME ":predict", RouteHandler::kTfPredict, false},
      {"POST", "/v1/models/{name}/versions/{version}:predict",
       "/v1/models/" MAAS_NAME "/versions/" MAAS_VERSION_NUMBER ":predict", RouteHandler::kTfPredict, false},
      {"POST", "/v1/models/{name}:classify", "/v1/models/" MAAS_NAME ":classify", RouteHandler::kTfClassify, false},
      {"POST", "/v1/models/{name}/versions/{version}:classify",
       "/v1/models/" MAAS_NAME "/versions/" MAAS_VERSION_NUMBER ":classify", RouteHandler::kTfClassify, false},
      {"POST", "/v2/models/{name}/infer", "/v2/models/" MAAS_NAME "/infer", RouteHandler::kV2Infer, false},
      {"POST", "/v2/models/{name}/versions/{version}/infer",
       "/v2/models/" MAAS_NAME "/versions/" MAAS_VERSION_NUMBER "/infer", RouteHandler::kV2Infer, false},
      {"GET", "/", "/", RouteHandler::kPlayground, true},
      {"GET", "/healthz", "/healthz", RouteHandler::kHealthz, true},
      {"GET", "/metrics", "/metrics", RouteHandler::kMetrics, false},
      {"GET", "/openapi.json", "/openapi.json", RouteHandler::kOpenApi, false},
      {"GET", "/v1/models", "/v1/models", RouteHandler::kListModels, false},
      {"GET", "/v1/models/{name}", "/v1/models/" MAAS_NAME, RouteHandler::kTfStatus, false},
      {"GET", "/v1/models/{name}/versions/{version}", "/v1/models/" MAAS_NAME "/versions/" MAAS_VERSION_NUMBER,
       RouteHandler::kTfStatus, false},
      {"GET", "/v1/models/{name}/metadata", "/v1/models/" MAAS_NAME "/metadata", RouteHandler::kTfMetadata, false},
      {"GET", "/v1/models/{name}/versions/{version}/metadata",
       "/v1/models/" MAAS_NAME "/versions/" MAAS_VERSION_NUMBER "/metadata", RouteHandler::kTfMetadata, false},
      {"GET", "/v2", "/v2", RouteHandler::kV2Server, false},
      {"GET", "/v2/health/live", "/v2/health/live", RouteHandler::kV2Live, true},
      {"GET", "/v2/health/ready", "/v2/health/ready", RouteHandler::kV2Ready, true},
      {"GET", "/v2/models/{name}", "/v2/models/" MAAS_NAME, RouteHandler::kV2ModelMetadata, false},
      {"GET", "/v2/models/{name}/versions/{version}", "/v2/models/" MAAS_NAME "/versions/" MAAS_VERSION_NUMBER,
       RouteHandler::kV2ModelMetadata, false},
      {"GET", "/v2/models/{name}/ready", "/v2/models/" MAAS_NAME "/ready", RouteHandler::kV2ModelReady, false},
      {"GET", "/v2/models/{name}/versions/{version}/ready",
       "/v2/models/" MAAS_NAME "/versions/" MAAS_VERSION_NUMBER "/ready", RouteHandler::kV2ModelReady, false},
  };
  return kRoutes;
}

#undef MAAS_NAME
#undef MAAS_VERSION_NUMBER

}  // namespace maas::serve
