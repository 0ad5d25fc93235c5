# drkit_add_plugin(NAME SOURCES ...): builds drkit-NAME.so, a Boost.DLL plugin module.
# The module sees the SDK only; symbols are hidden except the descriptor alias.
function(drkit_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(target drkit-plugin-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "drkit-${name}" PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY "${DRKIT_BUILD_PLUGIN_DIR}"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "$ORIGIN/../..")
  target_link_libraries(${target} PRIVATE drkit::sdk ${ARG_LIBRARIES})
  drkit_target_warnings(${target})
  install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/drkit/plugins)
endfunction()
