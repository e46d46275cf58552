# Precompiled headers. The standard library, nlohmann/json and Asio's coroutine headers are in
# nearly every file, and parsing them was about 40 % of a file's compile time (clang
# -ftime-trace of mock-idp/test/token_endpoint_test.cc: 12 s of 28 s). Each target compiles them
# once into its own PCH (targets differ in definitions such as BOOST_ASIO_NO_DEPRECATED, so one
# PCH cannot be shared). Files still include what they use: a build with TOOLAUTH_PCH=OFF
# must keep working.
option(TOOLAUTH_PCH "Precompile the common headers of every target" ON)
set(TOOLAUTH_PCH_HEADERS
    <algorithm> <chrono> <functional> <map> <memory> <optional> <set> <string> <string_view>
    <vector> <nlohmann/json.hpp> <boost/asio/any_io_executor.hpp> <boost/asio/awaitable.hpp>
    <boost/asio/co_spawn.hpp> <boost/asio/io_context.hpp> <boost/asio/this_coro.hpp>
    <boost/asio/use_awaitable.hpp>)
set(TOOLAUTH_TEST_PCH_HEADERS <gmock/gmock.h> <gtest/gtest.h>)

# toolauth_precompile(TARGET [HEADERS...]) gives TARGET the common precompiled headers and HEADERS.
function(toolauth_precompile target)
  if(NOT TOOLAUTH_PCH)
    return()
  endif()
  target_precompile_headers(${target} PRIVATE ${TOOLAUTH_PCH_HEADERS} ${ARGN})
  # Without the timestamp the PCH's bytes depend only on its input, so ccache can reuse it.
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE "SHELL:-Xclang -fno-pch-timestamp")
  endif()
endfunction()

# toolauth_library(NAME SOURCES... DEPS...) builds libs/NAME as toolauth::NAME.
function(toolauth_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(toolauth_${name} STATIC ${ARG_SOURCES})
  add_library(toolauth::${name} ALIAS toolauth_${name})
  target_include_directories(toolauth_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(toolauth_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  toolauth_set_warnings(toolauth_${name})
  toolauth_precompile(toolauth_${name})
endfunction()

# toolauth_tests(NAME SOURCES... DEPS...) builds one gtest executable per module and registers
# each test case with ctest.
function(toolauth_tests name)
  if(NOT TOOLAUTH_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name}_tests ${ARG_SOURCES})
  target_link_libraries(${name}_tests PRIVATE ${ARG_DEPS} toolauth::test_support GTest::gmock GTest::gtest_main)
  toolauth_set_warnings(${name}_tests)
  toolauth_precompile(${name}_tests ${TOOLAUTH_TEST_PCH_HEADERS})
  gtest_discover_tests(${name}_tests DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS unit)
endfunction()
