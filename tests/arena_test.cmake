# arena_test(<name> <sources>...): a GoogleTest executable whose tests CTest discovers.
# Included by the top CMakeLists.txt before any folder, so that game families (games/<f>/)
# can declare their tests beside their rules.
find_package(GTest REQUIRED)
include(GoogleTest)

function(arena_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
