# drkit_add_plugin(NAME SOURCES ... [LIBRARIES ...]): builds drkit-NAME.so, a Boost.DLL
# plugin module, as target drkit-plugin-NAME.
#
# One function for both uses: in the drkit tree (included by the top-level CMakeLists.txt)
# and out of tree (included by drkitConfig.cmake after find_package(drkit)). It sets what the
# loader relies on:
#  - the file name drkit-NAME.so (the loader only looks at drkit-*.so);
#  - hidden symbols: only the descriptor alias from DRKIT_PLUGIN is exported, so two plugins'
#    helpers never collide; the SDK types live once, in libdrkit-sdk.so;
#  - C++20 without extensions, because the loader compares the C++ standard (kToolchain);
#  - RPATH $ORIGIN/../.. so an installed plugin (lib/drkit/plugins) finds lib/libdrkit-sdk.so;
#  - an install rule to <prefix>/lib/drkit/plugins, the folder an installed drkit searches.
# In the drkit tree the module lands in the build tree's plugin folder; out of tree in the
# current binary folder (CMAKE_LIBRARY_OUTPUT_DIRECTORY if set): use
# $<TARGET_FILE_DIR:drkit-plugin-NAME> to point the test harness or --plugin-path at it.
include_guard(GLOBAL)
include(GNUInstallDirs)

function(drkit_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "drkit_add_plugin(${name}): unexpected arguments '${ARG_UNPARSED_ARGUMENTS}'; "
                        "use drkit_add_plugin(NAME SOURCES a.cc b.cc [LIBRARIES lib...])")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "drkit_add_plugin(${name}): no SOURCES given")
  endif()
  if(NOT name MATCHES "^[a-z][a-z0-9-]*$")
    message(FATAL_ERROR "drkit_add_plugin(${name}): a plugin name is lower case letters, digits "
                        "and '-', starting with a letter (it becomes drkit-${name}.so and qualifies "
                        "component names: ${name}.step_name)")
  endif()
  _drkit_check_toolchain(${name})

  set(target drkit-plugin-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "drkit-${name}" PREFIX "" SUFFIX ".so"
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "$ORIGIN/../..")
  if(DRKIT_BUILD_PLUGIN_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${DRKIT_BUILD_PLUGIN_DIR}")
  endif()
  target_link_libraries(${target} PRIVATE drkit::sdk ${ARG_LIBRARIES})
  if(COMMAND drkit_target_warnings)
    drkit_target_warnings(${target})
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/drkit/plugins)
endfunction()

# Out of tree, drkitConfig.cmake records the compiler drkit was built with. The loader refuses
# a plugin whose compiler family or standard library differs (kToolchain), so say it now
# rather than when drkit refuses the .so.
function(_drkit_check_toolchain name)
  if(NOT DEFINED drkit_CXX_COMPILER_ID)
    return()  # in the drkit tree: same compiler by construction
  endif()
  string(REGEX MATCH "^[0-9]+" major "${CMAKE_CXX_COMPILER_VERSION}")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL drkit_CXX_COMPILER_ID OR
     NOT major STREQUAL drkit_CXX_COMPILER_VERSION_MAJOR)
    message(FATAL_ERROR
      "drkit_add_plugin(${name}): this project compiles with ${CMAKE_CXX_COMPILER_ID} "
      "${CMAKE_CXX_COMPILER_VERSION}, but drkit (${drkit_DIR}) was built with "
      "${drkit_CXX_COMPILER_ID} ${drkit_CXX_COMPILER_VERSION_MAJOR} (${drkit_CXX_COMPILER}); drkit "
      "refuses plugins built with another compiler family or major version (see "
      "drkit::kToolchain). Configure with -DCMAKE_CXX_COMPILER=${drkit_CXX_COMPILER}.")
  endif()
endfunction()
