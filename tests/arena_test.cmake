# arena_test(<name> <sources>... [LABELS <label>...] [PROPERTIES <property> <value>...]): a
# GoogleTest executable whose tests CTest discovers, each with those properties.
# Included by the top CMakeLists.txt before any folder, so that game families (games/<f>/)
# can declare their tests beside their rules.
find_package(GTest REQUIRED)
include(GoogleTest)

# LABELS: CTest labels for every test in it (e.g. `integration`: the threaded tests that
# `scripts/test --tsan` runs under ThreadSanitizer).
function(arena_test name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "LABELS;PROPERTIES")
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE GTest::gtest GTest::gmock GTest::gtest_main)
  set(properties ${ARG_PROPERTIES})
  if(ARG_LABELS)
    list(APPEND properties LABELS "${ARG_LABELS}")
  endif()
  if(properties)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${properties})
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
