# toolauth_library(NAME SOURCES... DEPS...) builds libs/NAME as toolauth::NAME.
function(toolauth_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(toolauth_${name} STATIC ${ARG_SOURCES})
  add_library(toolauth::${name} ALIAS toolauth_${name})
  target_include_directories(toolauth_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(toolauth_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  toolauth_set_warnings(toolauth_${name})
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
  gtest_discover_tests(${name}_tests DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS unit)
endfunction()
