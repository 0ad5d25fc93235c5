# Checks drkitConfigVersion.cmake: compatibility follows the plugin ABI version.
#
#   cmake -DSOURCE_DIR=<drkit source> [-DINSTALLED_VERSION_FILE=<prefix>/lib/cmake/drkit/drkitConfigVersion.cmake]
#         -P version_file_test.cmake
#
# Generates version files from cmake/drkitConfigVersion.cmake.in for a made-up history with two
# ABI versions, and checks which requests each accepts; then checks the installed file (if given)
# against this tree's release.
cmake_minimum_required(VERSION 3.25)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<drkit source folder>")
endif()
set(failures 0)

# ask(FILE REQUEST EXPECTED): includes FILE as find_package would, with PACKAGE_FIND_VERSION =
# REQUEST ("" = no version, "A...B" = a range), and checks PACKAGE_VERSION_COMPATIBLE.
function(ask file request expected)
  set(PACKAGE_FIND_VERSION "")
  set(PACKAGE_FIND_VERSION_RANGE "")
  set(drkit_FIND_QUIETLY TRUE)
  set(CMAKE_SIZEOF_VOID_P 8)
  if(request MATCHES "^(.+)\\.\\.\\.(<?)(.+)$")
    set(PACKAGE_FIND_VERSION_RANGE "${request}")
    set(PACKAGE_FIND_VERSION "${CMAKE_MATCH_1}")
    set(PACKAGE_FIND_VERSION_MIN "${CMAKE_MATCH_1}")
    set(PACKAGE_FIND_VERSION_MAX "${CMAKE_MATCH_3}")
    if(CMAKE_MATCH_2 STREQUAL "<")
      set(PACKAGE_FIND_VERSION_RANGE_MAX EXCLUDE)
    else()
      set(PACKAGE_FIND_VERSION_RANGE_MAX INCLUDE)
    endif()
  else()
    set(PACKAGE_FIND_VERSION "${request}")
  endif()
  include("${file}")
  if(PACKAGE_VERSION_COMPATIBLE)
    set(got TRUE)
  else()
    set(got FALSE)
  endif()
  if(NOT got STREQUAL expected)
    message(SEND_ERROR "drkit ${PACKAGE_VERSION} (ABI ${drkit_ABI_VERSION}), request '${request}': "
                       "compatible is ${got}, expected ${expected}")
    math(EXPR n "${failures} + 1")
    set(failures ${n} PARENT_SCOPE)
  endif()
endfunction()

# A made-up history: ABI 1 from 0.1.0, ABI 2 from 0.3.0; the release under test is 0.4.2.
set(tmp "${CMAKE_CURRENT_BINARY_DIR}/drkit-version-file-test")
file(MAKE_DIRECTORY "${tmp}")
set(PROJECT_VERSION "0.4.2")
set(DRKIT_ABI_VERSION 2)
set(DRKIT_ABI_FIRST_RELEASES "1:0.1.0;2:0.3.0")
set(CMAKE_SIZEOF_VOID_P 8)
configure_file("${SOURCE_DIR}/cmake/drkitConfigVersion.cmake.in" "${tmp}/abi2.cmake" @ONLY)

ask("${tmp}/abi2.cmake" "" TRUE)              # no version asked: any drkit
ask("${tmp}/abi2.cmake" "0.3" TRUE)           # first release of ABI 2
ask("${tmp}/abi2.cmake" "0.4.1" TRUE)         # an older release with the same ABI
ask("${tmp}/abi2.cmake" "0.4.2" TRUE)         # this release
ask("${tmp}/abi2.cmake" "0.2.9" FALSE)        # written for ABI 1: refused
ask("${tmp}/abi2.cmake" "0.1" FALSE)          # ABI 1 again
ask("${tmp}/abi2.cmake" "0.0.5" FALSE)        # before any ABI
ask("${tmp}/abi2.cmake" "0.4.3" FALSE)        # newer than this release
ask("${tmp}/abi2.cmake" "1.0" FALSE)          # newer than this release
ask("${tmp}/abi2.cmake" "0.3...0.5" TRUE)     # a range starting in ABI 2 that holds 0.4.2
ask("${tmp}/abi2.cmake" "0.3...<0.4.2" FALSE) # the range excludes this release
ask("${tmp}/abi2.cmake" "0.2...0.5" FALSE)    # a range starting in ABI 1

if(INSTALLED_VERSION_FILE)
  # This tree's release and ABI, as installed: the release itself is accepted, a later one and
  # one older than the current ABI's first release are not.
  file(STRINGS "${SOURCE_DIR}/CMakeLists.txt" project_line REGEX "^project\\(drkit VERSION ")
  string(REGEX MATCH "VERSION ([0-9.]+)" _ "${project_line}")
  set(release "${CMAKE_MATCH_1}")
  ask("${INSTALLED_VERSION_FILE}" "" TRUE)
  ask("${INSTALLED_VERSION_FILE}" "${release}" TRUE)
  ask("${INSTALLED_VERSION_FILE}" "${release}.99999" FALSE)
  ask("${INSTALLED_VERSION_FILE}" "99" FALSE)
  ask("${INSTALLED_VERSION_FILE}" "0.0.0.1" FALSE)
endif()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} version file check(s) failed")
endif()
message(STATUS "version file checks passed")
