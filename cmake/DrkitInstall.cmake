# The SDK's install rules and CMake package, included by framework/CMakeLists.txt once the
# drkit_sdk and drkit_testing targets exist. `cmake --install` then lays out:
#   bin/drkit                                 (cli/CMakeLists.txt)
#   lib/libdrkit-sdk.so*, lib/libdrkit-testing.so*
#   lib/drkit/plugins/drkit-*.so              (drkit_add_plugin)
#   include/drkit/*.hpp
#   lib/cmake/drkit/drkitConfig.cmake, drkitConfigVersion.cmake, drkitTargets*.cmake,
#                   DrkitPlugin.cmake
# so a third party writes find_package(drkit 0.2 REQUIRED) and drkit_add_plugin(...).
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

# The first drkit release of each ABI version, "ABI:RELEASE". The version file maps the
# release a project asks for (find_package(drkit 0.2)) to its ABI version and accepts the
# installed drkit only when that ABI equals the installed one. Add an entry whenever
# kAbiVersion in framework/include/drkit/version.hpp is bumped (configure fails until then).
# ABI 2 (0.2.0): ParamSpec gained minimum and maximum.
set(DRKIT_ABI_FIRST_RELEASES "1:0.1.0;2:0.2.0")

# drkit::kAbiVersion and drkit::kVersion, read from the header so there is one source of truth.
set(_drkit_version_hpp "${PROJECT_SOURCE_DIR}/framework/include/drkit/version.hpp")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_drkit_version_hpp}")
file(STRINGS "${_drkit_version_hpp}" _drkit_abi_line REGEX "constexpr int kAbiVersion = [0-9]+")
file(STRINGS "${_drkit_version_hpp}" _drkit_version_line REGEX "kVersion = \"[^\"]*\"")
if(NOT _drkit_abi_line MATCHES "kAbiVersion = ([0-9]+)")
  message(FATAL_ERROR "cannot find 'inline constexpr int kAbiVersion = N;' in ${_drkit_version_hpp}: "
                      "cmake/DrkitInstall.cmake reads the ABI version from that line")
endif()
set(DRKIT_ABI_VERSION "${CMAKE_MATCH_1}")
if(_drkit_version_line MATCHES "kVersion = \"([^\"]*)\"" AND NOT CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
  message(AUTHOR_WARNING "drkit::kVersion is \"${CMAKE_MATCH_1}\" in ${_drkit_version_hpp} but "
                         "project(drkit VERSION ${PROJECT_VERSION}): keep them equal")
endif()

set(_drkit_abi_since "")
foreach(_entry IN LISTS DRKIT_ABI_FIRST_RELEASES)
  if(_entry MATCHES "^([0-9]+):(.+)$" AND CMAKE_MATCH_1 STREQUAL DRKIT_ABI_VERSION)
    set(_drkit_abi_since "${CMAKE_MATCH_2}")
  endif()
endforeach()
if(NOT _drkit_abi_since)
  message(FATAL_ERROR "drkit::kAbiVersion is ${DRKIT_ABI_VERSION} but DRKIT_ABI_FIRST_RELEASES in "
                      "cmake/DrkitInstall.cmake names no first release for it: add "
                      "\"${DRKIT_ABI_VERSION}:${PROJECT_VERSION}\" to the list")
endif()
if(PROJECT_VERSION VERSION_LESS _drkit_abi_since)
  message(FATAL_ERROR "DRKIT_ABI_FIRST_RELEASES says ABI ${DRKIT_ABI_VERSION} starts with "
                      "${_drkit_abi_since}, after this release (${PROJECT_VERSION})")
endif()

set(DRKIT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/drkit")

set_target_properties(drkit_sdk PROPERTIES EXPORT_NAME sdk)
set_target_properties(drkit_testing PROPERTIES EXPORT_NAME testing INSTALL_RPATH "$ORIGIN")
install(TARGETS drkit_sdk drkit_testing EXPORT drkitTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/framework/include/drkit"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(EXPORT drkitTargets NAMESPACE drkit:: DESTINATION ${DRKIT_INSTALL_CMAKEDIR})

# What drkitConfig.cmake records about this build (see drkitConfig.cmake.in).
string(REGEX MATCH "^[0-9]+" DRKIT_CXX_COMPILER_VERSION_MAJOR "${CMAKE_CXX_COMPILER_VERSION}")
set(DRKIT_BOOST_VERSION "${Boost_VERSION}")
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/drkitConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/cmake/drkitConfig.cmake"
  INSTALL_DESTINATION ${DRKIT_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
set(DRKIT_ABI_SINCE "${_drkit_abi_since}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/drkitConfigVersion.cmake.in"
  "${PROJECT_BINARY_DIR}/cmake/drkitConfigVersion.cmake" @ONLY)
install(FILES
  "${PROJECT_BINARY_DIR}/cmake/drkitConfig.cmake"
  "${PROJECT_BINARY_DIR}/cmake/drkitConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/DrkitPlugin.cmake"
  DESTINATION ${DRKIT_INSTALL_CMAKEDIR})
