# arena_fuzz_target(<name> CORPUS <dir> SOURCES <files> LIBS <libraries>): a libFuzzer
# executable fuzz/<name> in the build folder, listed with its corpus folder in
# fuzz_targets.txt, which scripts/fuzz reads. Included by the top CMakeLists.txt only when
# ARENA_FUZZ is on (clang); see tests/fuzz/README.md.
function(arena_fuzz_target name)
  cmake_parse_arguments(FUZZ "" "CORPUS" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${FUZZ_SOURCES})
  target_link_libraries(${name} PRIVATE ${FUZZ_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
  set_property(GLOBAL APPEND PROPERTY ARENA_FUZZ_TARGETS "${name}|${FUZZ_CORPUS}")
endfunction()

# Writes <build>/fuzz_targets.txt: one line per target, "<name> <executable> <corpus folder>".
function(arena_fuzz_write_manifest)
  get_property(targets GLOBAL PROPERTY ARENA_FUZZ_TARGETS)
  set(lines "")
  foreach(entry IN LISTS targets)
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 0 name)
    list(GET fields 1 corpus)
    string(APPEND lines "${name} ${PROJECT_BINARY_DIR}/fuzz/${name} ${corpus}\n")
  endforeach()
  file(WRITE ${PROJECT_BINARY_DIR}/fuzz_targets.txt "${lines}")
endfunction()
