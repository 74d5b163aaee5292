# node-gyp build of the same sources as CMakeLists.txt (output: build/Release/tt_net.node).
# Usage without network: npx node-gyp rebuild --nodedir=/usr
{
  "targets": [
    {
      "target_name": "tt_net",
      "sources": ["native/tt_net.cc", "native/Loop.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-g", "-O2", "-fno-omit-frame-pointer", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
