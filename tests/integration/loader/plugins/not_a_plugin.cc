// drkit-notaplugin.so: a valid shared library named like a plugin, without a descriptor.
extern "C" __attribute__((visibility("default"))) int not_a_plugin_answer() { return 42; }
