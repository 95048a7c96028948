{
  "targets": [
    {
      "target_name": "nlwire",
      "sources": ["nlwire.cc"],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "_GNU_SOURCE"
      ],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"],
      "cflags_cc": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-exceptions", "-fvisibility=hidden"],
      "conditions": [
        ["OS!='linux'", { "type": "none", "sources!": ["nlwire.cc"] }]
      ]
    }
  ]
}
