#include "core/serve/openapi.h"

namespace maas::serve {

// A copy of docs/openapi.json; the serve tests check that the two are equal and that the paths
// match routes().
std::string_view openapi_document() {
  return R"json({
  "openapi": "3.1.0",
  "info": {
    "title": "maas serve",
    "version": "0.1.0",
    "description": "TF Serving REST API, KServe Open Inference Protocol v2 and maas extensions for text classifiers. Every error is {\"error\": \"...\"}. When API keys are configured, every route except /, /healthz and /v2/health/* needs 'Authorization: Bearer KEY'."
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8080"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "paths": {
    "/": {
      "get": {
        "summary": "Web playground page",
        "tags": [
          "maas"
        ],
        "responses": {
          "200": {
            "description": "HTML page",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/healthz": {
      "get": {
        "summary": "Liveness check",
        "tags": [
          "maas"
        ],
        "responses": {
          "200": {
            "description": "Server is up",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "type": "string",
                      "enum": [
                        "ok"
                      ]
                    }
                  }
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus metrics",
        "tags": [
          "maas"
        ],
        "responses": {
          "200": {
            "description": "Prometheus text exposition format 0.0.4",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "summary": "This document",
        "tags": [
          "maas"
        ],
        "responses": {
          "200": {
            "description": "OpenAPI 3 document",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/models": {
      "get": {
        "summary": "List loaded models (maas extension)",
        "tags": [
          "maas"
        ],
        "responses": {
          "200": {
            "description": "Every model with its loaded versions and labels",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelList"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/models/{name}": {
      "get": {
        "summary": "Model version status",
        "tags": [
          "TF Serving"
        ],
        "responses": {
          "200": {
            "description": "Status of each version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelStatus"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          }
        ]
      }
    },
    "/v1/models/{name}/metadata": {
      "get": {
        "summary": "Model metadata (signature, labels)",
        "tags": [
          "TF Serving"
        ],
        "responses": {
          "200": {
            "description": "Signature and labels",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelMetadata"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          }
        ]
      }
    },
    "/v1/models/{name}:predict": {
      "post": {
        "summary": "Predict class probabilities",
        "tags": [
          "TF Serving"
        ],
        "responses": {
          "200": {
            "description": "One probability row per input row; 'predictions' for row format, 'outputs' for columnar",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PredictResponse"
                }
              }
            }
          },
          "400": {
            "description": "Invalid JSON, fields, shapes or limits",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "Body larger than --max-body-bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "description": "The model's batch queue is full; retry later",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PredictRequest"
              }
            }
          }
        }
      }
    },
    "/v1/models/{name}:classify": {
      "post": {
        "summary": "Classify texts into labels with scores",
        "tags": [
          "TF Serving"
        ],
        "responses": {
          "200": {
            "description": "Label and score pairs per example",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ClassifyResponse"
                }
              }
            }
          },
          "400": {
            "description": "Invalid JSON, fields, shapes or limits",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "Body larger than --max-body-bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "description": "The model's batch queue is full; retry later",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ClassifyRequest"
              }
            }
          }
        }
      }
    },
    "/v1/models/{name}/versions/{version}": {
      "get": {
        "summary": "Model version status of one version",
        "tags": [
          "TF Serving"
        ],
        "responses": {
          "200": {
            "description": "Status of each version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelStatus"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          },
          {
            "name": "version",
            "in": "path",
            "required": true,
            "description": "Numeric model version",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,18}$"
            }
          }
        ]
      }
    },
    "/v1/models/{name}/versions/{version}/metadata": {
      "get": {
        "summary": "Model metadata (signature, labels)",
        "tags": [
          "TF Serving"
        ],
        "responses": {
          "200": {
            "description": "Signature and labels",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ModelMetadata"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          },
          {
            "name": "version",
            "in": "path",
            "required": true,
            "description": "Numeric model version",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,18}$"
            }
          }
        ]
      }
    },
    "/v1/models/{name}/versions/{version}:predict": {
      "post": {
        "summary": "Predict class probabilities",
        "tags": [
          "TF Serving"
        ],
        "responses": {
          "200": {
            "description": "One probability row per input row; 'predictions' for row format, 'outputs' for columnar",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PredictResponse"
                }
              }
            }
          },
          "400": {
            "description": "Invalid JSON, fields, shapes or limits",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "Body larger than --max-body-bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "description": "The model's batch queue is full; retry later",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          },
          {
            "name": "version",
            "in": "path",
            "required": true,
            "description": "Numeric model version",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,18}$"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PredictRequest"
              }
            }
          }
        }
      }
    },
    "/v1/models/{name}/versions/{version}:classify": {
      "post": {
        "summary": "Classify texts into labels with scores",
        "tags": [
          "TF Serving"
        ],
        "responses": {
          "200": {
            "description": "Label and score pairs per example",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ClassifyResponse"
                }
              }
            }
          },
          "400": {
            "description": "Invalid JSON, fields, shapes or limits",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "Body larger than --max-body-bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "description": "The model's batch queue is full; retry later",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          },
          {
            "name": "version",
            "in": "path",
            "required": true,
            "description": "Numeric model version",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,18}$"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ClassifyRequest"
              }
            }
          }
        }
      }
    },
    "/v2": {
      "get": {
        "summary": "Server metadata",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Name, version and extensions",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/V2ServerMetadata"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v2/health/live": {
      "get": {
        "summary": "Server liveness",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Live",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "live": {
                      "type": "boolean"
                    }
                  }
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/v2/health/ready": {
      "get": {
        "summary": "Server readiness: at least one model version loaded",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Ready",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/V2Ready"
                }
              }
            }
          },
          "503": {
            "description": "Not ready",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/V2Ready"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/v2/models/{name}": {
      "get": {
        "summary": "Model metadata",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Tensors the model takes and returns",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/V2ModelMetadata"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          }
        ]
      }
    },
    "/v2/models/{name}/ready": {
      "get": {
        "summary": "Model readiness",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Ready",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "name": {
                      "type": "string"
                    },
                    "ready": {
                      "type": "boolean"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          }
        ]
      }
    },
    "/v2/models/{name}/infer": {
      "post": {
        "summary": "Run inference",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Probabilities (FP32 [batch, classes]) and labels (BYTES [batch])",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/V2InferResponse"
                }
              }
            }
          },
          "400": {
            "description": "Invalid JSON, fields, shapes or limits",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "Body larger than --max-body-bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "description": "The model's batch queue is full; retry later",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/V2InferRequest"
              }
            }
          }
        }
      }
    },
    "/v2/models/{name}/versions/{version}": {
      "get": {
        "summary": "Model metadata",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Tensors the model takes and returns",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/V2ModelMetadata"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          },
          {
            "name": "version",
            "in": "path",
            "required": true,
            "description": "Numeric model version",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,18}$"
            }
          }
        ]
      }
    },
    "/v2/models/{name}/versions/{version}/ready": {
      "get": {
        "summary": "Model readiness",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Ready",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "name": {
                      "type": "string"
                    },
                    "ready": {
                      "type": "boolean"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          },
          {
            "name": "version",
            "in": "path",
            "required": true,
            "description": "Numeric model version",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,18}$"
            }
          }
        ]
      }
    },
    "/v2/models/{name}/versions/{version}/infer": {
      "post": {
        "summary": "Run inference",
        "tags": [
          "KServe v2"
        ],
        "responses": {
          "200": {
            "description": "Probabilities (FP32 [batch, classes]) and labels (BYTES [batch])",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/V2InferResponse"
                }
              }
            }
          },
          "400": {
            "description": "Invalid JSON, fields, shapes or limits",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "401": {
            "description": "Missing or invalid API key (only when keys are configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "404": {
            "description": "Unknown model or version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "description": "Body larger than --max-body-bytes",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "description": "The model's batch queue is full; retry later",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "description": "The model has no loadable version",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "Model name: letters, digits, '.', '_' and '-', not starting with '.'",
            "schema": {
              "type": "string",
              "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"
            }
          },
          {
            "name": "version",
            "in": "path",
            "required": true,
            "description": "Numeric model version",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,18}$"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/V2InferRequest"
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "string"
          }
        }
      },
      "ModelList": {
        "type": "object",
        "properties": {
          "models": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string"
                },
                "versions": {
                  "type": "array",
                  "items": {
                    "type": "string"
                  }
                },
                "labels": {
                  "type": "array",
                  "items": {
                    "type": "string"
                  }
                }
              }
            }
          }
        }
      },
      "ModelStatus": {
        "type": "object",
        "properties": {
          "model_version_status": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "version": {
                  "type": "string"
                },
                "state": {
                  "type": "string",
                  "enum": [
                    "AVAILABLE",
                    "END"
                  ]
                },
                "status": {
                  "type": "object",
                  "properties": {
                    "error_code": {
                      "type": "string"
                    },
                    "error_message": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
      },
      "ModelMetadata": {
        "type": "object",
        "properties": {
          "model_spec": {
            "type": "object"
          },
          "metadata": {
            "type": "object"
          },
          "labels": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "max_length": {
            "type": "integer"
          },
          "vocab_size": {
            "type": "integer"
          },
          "version_policy": {
            "type": "string"
          }
        }
      },
      "PredictRequest": {
        "type": "object",
        "properties": {
          "signature_name": {
            "type": "string",
            "enum": [
              "",
              "serving_default"
            ]
          },
          "instances": {
            "type": "array",
            "items": {
              "oneOf": [
                {
                  "type": "string",
                  "description": "Raw text"
                },
                {
                  "type": "array",
                  "items": {
                    "type": "integer",
                    "format": "int32"
                  },
                  "description": "Pre-tokenised ids, padded and truncated by the model"
                },
                {
                  "type": "object",
                  "properties": {
                    "text": {
                      "type": "string"
                    },
                    "input_ids": {
                      "type": "array",
                      "items": {
                        "type": "integer"
                      }
                    }
                  },
                  "minProperties": 1,
                  "maxProperties": 1
                }
              ]
            }
          },
          "inputs": {
            "oneOf": [
              {
                "type": "array",
                "items": {
                  "oneOf": [
                    {
                      "type": "string",
                      "description": "Raw text"
                    },
                    {
                      "type": "array",
                      "items": {
                        "type": "integer",
                        "format": "int32"
                      },
                      "description": "Pre-tokenised ids, padded and truncated by the model"
                    },
                    {
                      "type": "object",
                      "properties": {
                        "text": {
                          "type": "string"
                        },
                        "input_ids": {
                          "type": "array",
                          "items": {
                            "type": "integer"
                          }
                        }
                      },
                      "minProperties": 1,
                      "maxProperties": 1
                    }
                  ]
                }
              },
              {
                "type": "object",
                "properties": {
                  "text": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "input_ids": {
                    "type": "array",
                    "items": {
                      "type": "array",
                      "items": {
                        "type": "integer"
                      }
                    }
                  }
                },
                "minProperties": 1,
                "maxProperties": 1
              }
            ]
          }
        },
        "example": {
          "instances": [
            "anyone selling a mana potion?"
          ]
        }
      },
      "PredictResponse": {
        "type": "object",
        "properties": {
          "predictions": {
            "type": "array",
            "items": {
              "type": "array",
              "items": {
                "type": "number"
              }
            }
          },
          "outputs": {
            "type": "array",
            "items": {
              "type": "array",
              "items": {
                "type": "number"
              }
            }
          }
        }
      },
      "ClassifyRequest": {
        "type": "object",
        "required": [
          "examples"
        ],
        "properties": {
          "signature_name": {
            "type": "string"
          },
          "context": {
            "type": "object"
          },
          "examples": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "text"
              ],
              "properties": {
                "text": {
                  "type": "string"
                }
              }
            }
          }
        },
        "example": {
          "examples": [
            {
              "text": "gg ez noob"
            }
          ]
        }
      },
      "ClassifyResponse": {
        "type": "object",
        "properties": {
          "results": {
            "type": "array",
            "items": {
              "type": "array",
              "items": {
                "type": "array",
                "prefixItems": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "number"
                  }
                ],
                "items": false
              }
            }
          }
        }
      },
      "V2ServerMetadata": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "version": {
            "type": "string"
          },
          "extensions": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "V2Ready": {
        "type": "object",
        "properties": {
          "ready": {
            "type": "boolean"
          }
        }
      },
      "V2Tensor": {
        "type": "object",
        "required": [
          "name",
          "datatype",
          "shape"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "datatype": {
            "type": "string"
          },
          "shape": {
            "type": "array",
            "items": {
              "type": "integer"
            }
          }
        }
      },
      "V2ModelMetadata": {
        "type": "object",
        "properties": {
          "name": {
            "type": "string"
          },
          "versions": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "platform": {
            "type": "string"
          },
          "inputs": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/V2Tensor"
            }
          },
          "outputs": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/V2Tensor"
            }
          },
          "parameters": {
            "type": "object"
          }
        }
      },
      "V2InferRequest": {
        "type": "object",
        "required": [
          "inputs"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "parameters": {
            "type": "object"
          },
          "inputs": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
              "type": "object",
              "required": [
                "name",
                "shape",
                "datatype",
                "data"
              ],
              "properties": {
                "name": {
                  "type": "string"
                },
                "shape": {
                  "type": "array",
                  "items": {
                    "type": "integer"
                  },
                  "description": "[N] or [N, 1] for BYTES; [N, L] for INT32/INT64"
                },
                "datatype": {
                  "type": "string",
                  "enum": [
                    "BYTES",
                    "INT32",
                    "INT64"
                  ]
                },
                "data": {
                  "type": "array"
                },
                "parameters": {
                  "type": "object"
                }
              }
            }
          },
          "outputs": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string",
                  "enum": [
                    "probabilities",
                    "label"
                  ]
                }
              }
            }
          }
        },
        "example": {
          "id": "42",
          "inputs": [
            {
              "name": "text",
              "shape": [
                1
              ],
              "datatype": "BYTES",
              "data": [
                "wtb mana potion"
              ]
            }
          ]
        }
      },
      "V2InferResponse": {
        "type": "object",
        "properties": {
          "model_name": {
            "type": "string"
          },
          "model_version": {
            "type": "string"
          },
          "id": {
            "type": "string"
          },
          "outputs": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "name": {
                  "type": "string"
                },
                "datatype": {
                  "type": "string"
                },
                "shape": {
                  "type": "array",
                  "items": {
                    "type": "integer"
                  }
                },
                "data": {
                  "type": "array"
                }
              }
            }
          }
        }
      }
    },
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer"
      }
    }
  }
}
)json";
}

}  // namespace maas::serve
