#pragma once
// The OpenAPI 3 document of every route the server registers, served at /openapi.json.

#include <string_view>

namespace maas::serve {

// Returns the document as JSON text.
std::string_view openapi_document();

}  // namespace maas::serve
