# CMake package for liblxdclient, installed by `make install` into <prefix>/lib/cmake/lxdclient.
#
#   find_package(lxdclient CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE lxdclient::lxdclient)         # liblxdclient.so.0
#   target_link_libraries(app PRIVATE lxdclient::lxdclient_static)  # liblxdclient.a
#
# Either target brings the C library, the C header (lxdclient.h) and the header-only C++17
# binding (lxdclient.hpp and its parts in include/lxd/, which need nlohmann_json: found here as a
# dependency).
# Relocatable: paths are computed from this file's location.
get_filename_component(_lxdclient_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

include(CMakeFindDependencyMacro)
find_dependency(nlohmann_json 3)
find_dependency(Threads)

if(NOT TARGET lxdclient::lxdclient)
  add_library(lxdclient::lxdclient SHARED IMPORTED)
  set_target_properties(lxdclient::lxdclient PROPERTIES
    IMPORTED_LOCATION "${_lxdclient_prefix}/lib/liblxdclient.so"
    IMPORTED_SONAME "liblxdclient.so.0"
    INTERFACE_INCLUDE_DIRECTORIES "${_lxdclient_prefix}/include"
    INTERFACE_LINK_LIBRARIES "nlohmann_json::nlohmann_json"
    INTERFACE_COMPILE_FEATURES "cxx_std_17")
endif()

if(NOT TARGET lxdclient::lxdclient_static)
  add_library(lxdclient::lxdclient_static STATIC IMPORTED)
  set_target_properties(lxdclient::lxdclient_static PROPERTIES
    IMPORTED_LOCATION "${_lxdclient_prefix}/lib/liblxdclient.a"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "${_lxdclient_prefix}/include"
    INTERFACE_LINK_LIBRARIES "nlohmann_json::nlohmann_json;Threads::Threads;${CMAKE_DL_LIBS};m"
    INTERFACE_COMPILE_FEATURES "cxx_std_17")
endif()

foreach(_lxdclient_file "lib/liblxdclient.so" "lib/liblxdclient.a" "include/lxdclient.h" "include/lxdclient.hpp"
                        "include/lxd/core.hpp" "include/lxd/object.hpp" "include/lxd/resources.hpp" "include/lxd/client.hpp")
  if(NOT EXISTS "${_lxdclient_prefix}/${_lxdclient_file}")
    set(lxdclient_FOUND FALSE)
    set(lxdclient_NOT_FOUND_MESSAGE "lxdclient: ${_lxdclient_prefix}/${_lxdclient_file} is missing")
  endif()
endforeach()
unset(_lxdclient_file)
unset(_lxdclient_prefix)
