# Build and run the consumer against an installed prefix, from outside the source tree.
#   cmake -DPREFIX=<prefix> -DSOURCE=<this dir> -DBINARY=<build dir> -DMODE=cmake|pkgconfig [-DCXX=g++] -P run.cmake
# Needs LXD_TEST_SOCKET (the harness's daemon) to run the programs.
if(NOT DEFINED ENV{LXD_TEST_SOCKET} OR "$ENV{LXD_TEST_SOCKET}" STREQUAL "")
  message(FATAL_ERROR "LXD_TEST_SOCKET is not set: run under tests/harness/with-lxd.sh")
endif()
set(_socket "$ENV{LXD_TEST_SOCKET}")
file(REMOVE_RECURSE "${BINARY}")
file(MAKE_DIRECTORY "${BINARY}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "$ ${ARGN}\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
  set(LAST_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

function(check_links binary)
  # The program must load liblxdclient.so.0 from the prefix, not from the source tree.
  run(ldd "${binary}")
  string(REGEX MATCH "liblxdclient\\.so\\.0 => ([^ ]+)" _m "${LAST_OUTPUT}")
  if(NOT CMAKE_MATCH_1 MATCHES "^${PREFIX}/lib/")
    message(FATAL_ERROR "${binary} resolves liblxdclient.so.0 to '${CMAKE_MATCH_1}', not under ${PREFIX}/lib")
  endif()
endfunction()

if(MODE STREQUAL "cmake")
  # Only the prefix: no package registry, no in-tree paths.
  run(${CMAKE_COMMAND} -S "${SOURCE}" -B "${BINARY}" "-DCMAKE_PREFIX_PATH=${PREFIX}"
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release)
  run(${CMAKE_COMMAND} --build "${BINARY}" -j2)
  check_links("${BINARY}/consumer")
  run("${BINARY}/consumer" "${_socket}")
  if(NOT LAST_OUTPUT MATCHES "connected to LXD [0-9]")
    message(FATAL_ERROR "unexpected output: ${LAST_OUTPUT}")
  endif()
  run("${BINARY}/consumer_static" "${_socket}")
  if(NOT LAST_OUTPUT MATCHES "connected to LXD [0-9]")
    message(FATAL_ERROR "unexpected output: ${LAST_OUTPUT}")
  endif()
  run(readelf -d "${BINARY}/consumer_static")
  if(LAST_OUTPUT MATCHES "liblxdclient")
    message(FATAL_ERROR "consumer_static depends on the shared library")
  endif()
elseif(MODE STREQUAL "pkgconfig")
  # Only the prefix's pkg-config file (PKG_CONFIG_PATH unset, PKG_CONFIG_LIBDIR = the prefix).
  run(${CMAKE_COMMAND} -E env --unset=PKG_CONFIG_PATH "PKG_CONFIG_LIBDIR=${PREFIX}/lib/pkgconfig"
      pkg-config --cflags --libs lxdclient)
  string(STRIP "${LAST_OUTPUT}" _flags)
  separate_arguments(_flags UNIX_COMMAND "${_flags}")
  run(${CXX} -std=c++17 -Wall -Wextra -Werror "${SOURCE}/main.cpp" -o "${BINARY}/consumer" ${_flags}
      "-Wl,-rpath,${PREFIX}/lib")
  check_links("${BINARY}/consumer")
  run("${BINARY}/consumer" "${_socket}")
  if(NOT LAST_OUTPUT MATCHES "connected to LXD [0-9]")
    message(FATAL_ERROR "unexpected output: ${LAST_OUTPUT}")
  endif()
  run(${CMAKE_COMMAND} -E env --unset=PKG_CONFIG_PATH "PKG_CONFIG_LIBDIR=${PREFIX}/lib/pkgconfig"
      pkg-config --modversion lxdclient)
else()
  message(FATAL_ERROR "MODE must be cmake or pkgconfig")
endif()
