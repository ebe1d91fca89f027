# Bazel's rules in CMake: every directory's CMakeLists.txt mirrors the BUILD file next to it,
# rule for rule, with the same names, sources and dependencies (written as Bazel labels).
#
#   BUILD                                   CMakeLists.txt
#   cc_library(name = "x", srcs = [...],    cc_library(NAME x SRCS ... HDRS ... DEPS ...
#       hdrs = [...], deps = [...],             ALWAYSLINK)
#       alwayslink = True)
#   plugin_family(name, deps)               plugin_family(NAME n DEPS ...)
#   cc_binary / cc_test / sh_test           cc_binary / cc_test / sh_test
#
# Labels: ":x" and "x" (this package), "//core/util:x", "//tools/sweep:sweep" (always with the
# name: CMake does not read //tools/sweep as //tools/sweep:sweep),
# "@system//:absl" and "@libtorch" (defined in the top-level CMakeLists.txt, as
# third_party/system.BUILD and third_party/libtorch/libtorch.bzl define them), or any CMake
# target written with "::" (e.g. Threads::Threads). The target of //tools/sweep:x is
# `tools.sweep.x`; binaries and tests keep their Bazel file name under the build directory
# (build-cmake/tools/train, like bazel-bin/tools/train).
#
# Dependencies are resolved once every directory is read (bazel_rules_finalize(), called at the
# end of the top-level CMakeLists.txt), so a rule may name a target defined later, and an
# unknown label is an error naming the rule. A library with ALWAYSLINK (plugins, plugin
# families, sentencepiece_direct/_isolated) is linked with --whole-archive, once, into every
# binary that depends on it, so its static registrations survive the linker.
#
# Like `bazel test`, every test runs in the workspace root (the source directory) with a
# fresh, empty TEST_TMPDIR (cmake/run_test.sh). A library's `data` that is a target (the
# SentencePiece bridge) is linked into `<binary>.runfiles/admin_trainer/<package>/<file>` of
# every binary and test that depends on it, where core/data/sentencepiece_loader.cc looks for it,
# exactly as under Bazel.
include_guard(GLOBAL)

set(BAZEL_WORKSPACE_NAME admin_trainer)
set(_BAZEL_TEST_TIMEOUT_small 60)
set(_BAZEL_TEST_TIMEOUT_medium 300)
set(_BAZEL_TEST_TIMEOUT_large 900)
set(_BAZEL_TEST_TIMEOUT_enormous 3600)

# The Bazel package of the current directory: "core", "tools/sweep" ("" at the top).
function(_bazel_package out)
  file(RELATIVE_PATH package "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  set(${out} "${package}" PARENT_SCOPE)
endfunction()

# The CMake target of a Bazel label, relative to `package`.
function(_bazel_label_to_target label package out)
  if(label MATCHES "::")
    set(target "${label}")
  elseif(label MATCHES "^@([A-Za-z0-9_]+)(//)?:?(.*)$")
    set(name "${CMAKE_MATCH_3}")
    if(name STREQUAL "")
      set(name "${CMAKE_MATCH_1}")
    endif()
    set(target "bazel.${CMAKE_MATCH_1}.${name}")
  elseif(label MATCHES "^//([^:]*)(:(.*))?$")
    set(target_package "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_3}")
    if(name STREQUAL "")
      get_filename_component(name "${target_package}" NAME)
    endif()
    _bazel_target_name("${target_package}" "${name}" target)
  elseif(label MATCHES "^:?([^:/]+)$")
    _bazel_target_name("${package}" "${CMAKE_MATCH_1}" target)
  else()
    message(FATAL_ERROR "${package}: cannot read the label '${label}'")
  endif()
  set(${out} "${target}" PARENT_SCOPE)
endfunction()

function(_bazel_target_name package name out)
  string(REPLACE "/" "." prefix "${package}")
  if(prefix STREQUAL "")
    set(${out} "${name}" PARENT_SCOPE)
  else()
    set(${out} "${prefix}.${name}" PARENT_SCOPE)
  endif()
endfunction()

# Where a binary of `label` is built, relative to the workspace root (what $(location) gives a
# test, which runs there).
function(_bazel_location label package out)
  if(NOT label MATCHES "^//([^:]*):(.+)$")
    if(label MATCHES "^:?([^:/]+)$")
      set(label "//${package}:${CMAKE_MATCH_1}")
    endif()
  endif()
  if(NOT label MATCHES "^//([^:]*):(.+)$")
    message(FATAL_ERROR "${package}: $(location ${label}): write the label as //package:name")
  endif()
  set(target_package "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  set(source "${target_package}/${name}")
  string(REGEX REPLACE "^/" "" source "${source}")
  if(EXISTS "${PROJECT_SOURCE_DIR}/${source}" AND NOT IS_DIRECTORY "${PROJECT_SOURCE_DIR}/${source}")
    set(${out} "${source}" PARENT_SCOPE)  # a source file: its path in the workspace
    set(${out}_is_target FALSE PARENT_SCOPE)
    return()
  endif()
  file(RELATIVE_PATH location "${PROJECT_SOURCE_DIR}"
       "${CMAKE_BINARY_DIR}/${target_package}/${name}")
  set(${out} "${location}" PARENT_SCOPE)
  set(${out}_is_target TRUE PARENT_SCOPE)
endfunction()

# Records what bazel_rules_finalize() needs to know about a rule's target.
function(_bazel_register target package name)
  cmake_parse_arguments(PARSE_ARGV 3 ARG "ALWAYSLINK" "" "DEPS;DATA;LINKOPTS")
  set(deps "")
  foreach(label IN LISTS ARG_DEPS)
    _bazel_label_to_target("${label}" "${package}" dep)
    list(APPEND deps "${dep}")
  endforeach()
  set(data "")
  foreach(label IN LISTS ARG_DATA)
    # Source files (golden data, scripts) are in the workspace root, where tests run; only
    # targets need to be put in place.
    if(label MATCHES "^(//|:|@)")
      _bazel_label_to_target("${label}" "${package}" datum)
      list(APPEND data "${datum}")
    endif()
  endforeach()
  set_target_properties("${target}" PROPERTIES
    BAZEL_LABEL "//${package}:${name}"
    BAZEL_DEPS "${deps}"
    BAZEL_DATA "${data}"
    BAZEL_LINKOPTS "${ARG_LINKOPTS}"
    BAZEL_ALWAYSLINK "${ARG_ALWAYSLINK}")
  set_property(GLOBAL APPEND PROPERTY BAZEL_RULE_TARGETS "${target}")
endfunction()

function(_bazel_add_sources target package)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "" "" "SRCS;HDRS")
  get_target_property(type "${target}" TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    if(ARG_HDRS)
      target_sources("${target}" INTERFACE FILE_SET HEADERS BASE_DIRS "${PROJECT_SOURCE_DIR}"
                     FILES ${ARG_HDRS})
    endif()
  else()
    target_sources("${target}" PRIVATE ${ARG_SRCS} ${ARG_HDRS})
  endif()
endfunction()

set(_BAZEL_CC_FLAGS "ALWAYSLINK;TESTONLY;LINKSTATIC;LINKSHARED")
set(_BAZEL_CC_ONE "NAME;SIZE")
set(_BAZEL_CC_MANY "SRCS;HDRS;DEPS;DATA;COPTS;DEFINES;LINKOPTS;ARGS;TAGS")

# cc_library(NAME n [SRCS ...] [HDRS ...] [DEPS ...] [COPTS ...] [DEFINES ...] [LINKOPTS ...]
#            [DATA ...] [ALWAYSLINK] [TESTONLY])
function(cc_library)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "${_BAZEL_CC_FLAGS}" "${_BAZEL_CC_ONE}"
                        "${_BAZEL_CC_MANY}")
  _bazel_package(package)
  _bazel_target_name("${package}" "${ARG_NAME}" target)
  set(compiled "${ARG_SRCS}")
  list(FILTER compiled INCLUDE REGEX "\\.(cc|cpp|c)$")
  if(compiled)
    add_library("${target}" STATIC)
    target_compile_options("${target}" PRIVATE ${ARG_COPTS})
    target_compile_definitions("${target}" PUBLIC ${ARG_DEFINES})
  else()
    add_library("${target}" INTERFACE)
    target_compile_definitions("${target}" INTERFACE ${ARG_DEFINES})
  endif()
  _bazel_add_sources("${target}" "${package}" SRCS ${ARG_SRCS} HDRS ${ARG_HDRS})
  set(alwayslink "")
  if(ARG_ALWAYSLINK)
    set(alwayslink ALWAYSLINK)
  endif()
  _bazel_register("${target}" "${package}" "${ARG_NAME}" ${alwayslink} DEPS ${ARG_DEPS}
                  DATA ${ARG_DATA} LINKOPTS ${ARG_LINKOPTS})
endfunction()

# plugins/plugin.bzl: every .cc of the directory without a header beside it is a plugin, all of
# them in one library linked whole. The glob is re-checked at build time (CONFIGURE_DEPENDS), so
# a new plugin file needs no CMake change.
function(plugin_family)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME" "DEPS")
  file(GLOB sources RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}" CONFIGURE_DEPENDS
       "${CMAKE_CURRENT_SOURCE_DIR}/*.cc")
  file(GLOB headers RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}" CONFIGURE_DEPENDS
       "${CMAKE_CURRENT_SOURCE_DIR}/*.h")
  foreach(header IN LISTS headers)
    string(REGEX REPLACE "\\.h$" ".cc" helper "${header}")
    list(REMOVE_ITEM sources "${helper}")
  endforeach()
  list(SORT sources)
  if(NOT sources)
    message(FATAL_ERROR "plugin_family ${ARG_NAME}: no plugin source (*.cc without a header)")
  endif()
  cc_library(NAME "${ARG_NAME}" SRCS ${sources} DEPS ${ARG_DEPS} ALWAYSLINK)
  # <name>_sources, Bazel's filegroup of the plugin sources: tests run in the source tree, so
  # as a test's data it needs nothing put in place.
  _bazel_package(package)
  _bazel_target_name("${package}" "${ARG_NAME}_sources" filegroup)
  add_library("${filegroup}" INTERFACE)
  _bazel_register("${filegroup}" "${package}" "${ARG_NAME}_sources")
  set_target_properties("${filegroup}" PROPERTIES BAZEL_SOURCE_FILES TRUE)
endfunction()

# cc_binary(NAME n SRCS ... DEPS ... [COPTS ...] [LINKOPTS ...] [DATA ...] [LINKSHARED]):
# build/<package>/<n>; with LINKSHARED a shared library named exactly n (libx.so).
function(cc_binary)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "${_BAZEL_CC_FLAGS}" "${_BAZEL_CC_ONE}"
                        "${_BAZEL_CC_MANY}")
  _bazel_package(package)
  _bazel_target_name("${package}" "${ARG_NAME}" target)
  if(ARG_LINKSHARED)
    add_library("${target}" SHARED)
    set_target_properties("${target}" PROPERTIES PREFIX "" SUFFIX "")
  else()
    add_executable("${target}")
  endif()
  set_target_properties("${target}" PROPERTIES
    OUTPUT_NAME "${ARG_NAME}"
    RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/${package}"
    LIBRARY_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/${package}")
  _bazel_add_sources("${target}" "${package}" SRCS ${ARG_SRCS} HDRS ${ARG_HDRS})
  target_compile_options("${target}" PRIVATE ${ARG_COPTS})
  target_compile_definitions("${target}" PRIVATE ${ARG_DEFINES})
  _bazel_register("${target}" "${package}" "${ARG_NAME}" DEPS ${ARG_DEPS} DATA ${ARG_DATA}
                  LINKOPTS ${ARG_LINKOPTS})
endfunction()

# Runs a test as `bazel test` does: in the workspace root, a fresh TEST_TMPDIR, the timeout of
# its size. The ctest name is the Bazel label.
function(_bazel_add_test package name size tags)
  if(size STREQUAL "")
    set(size small)
  endif()
  if(NOT DEFINED _BAZEL_TEST_TIMEOUT_${size})
    message(FATAL_ERROR "//${package}:${name}: unknown size '${size}'")
  endif()
  _bazel_target_name("${package}" "${name}" target)
  add_test(NAME "//${package}:${name}"
           COMMAND "${PROJECT_SOURCE_DIR}/cmake/run_test.sh"
                   "${CMAKE_BINARY_DIR}/Testing/tmp/${target}" ${ARGN}
           WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  # A test that cannot run on this machine (no Ding dictionary, no Slurm, no GPU) says so
  # (tests/e2e_lib.sh's skip_test, gtest's GTEST_SKIP) and is reported as skipped, not passed.
  set_tests_properties("//${package}:${name}" PROPERTIES
    TIMEOUT "${_BAZEL_TEST_TIMEOUT_${size}}" LABELS "${size}"
    SKIP_REGULAR_EXPRESSION "(^|\n)SKIP: ;\\[  SKIPPED \\]")
  if(tags)
    set_property(TEST "//${package}:${name}" APPEND PROPERTY LABELS ${tags})
  endif()
  if("exclusive" IN_LIST tags)
    set_tests_properties("//${package}:${name}" PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

# cc_test(NAME n SRCS ... DEPS ... [DATA ...] [SIZE small|medium|large] [TAGS ...] [LINKSTATIC])
# (TAGS become ctest labels; "exclusive" runs the test alone, as under Bazel)
# (every CMake library is static, so LINKSTATIC changes nothing).
function(cc_test)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "${_BAZEL_CC_FLAGS}" "${_BAZEL_CC_ONE}"
                        "${_BAZEL_CC_MANY}")
  cc_binary(NAME "${ARG_NAME}" SRCS ${ARG_SRCS} HDRS ${ARG_HDRS} DEPS ${ARG_DEPS}
            DATA ${ARG_DATA} COPTS ${ARG_COPTS} DEFINES ${ARG_DEFINES} LINKOPTS ${ARG_LINKOPTS})
  _bazel_package(package)
  _bazel_target_name("${package}" "${ARG_NAME}" target)
  _bazel_add_test("${package}" "${ARG_NAME}" "${ARG_SIZE}" "${ARG_TAGS}"
                  "$<TARGET_FILE:${target}>" ${ARG_ARGS})
endfunction()

# sh_test(NAME n SRCS script.sh [ARGS ...] [DATA ...] [SIZE ...] [TAGS ...]): the script runs
# with bash and the same arguments as under Bazel; "$(location //tools:train)" is the binary's
# path relative to the workspace root (build-cmake/tools/train), that of a source file its path
# in the workspace (tools/x.sh).
function(sh_test)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME;SIZE" "SRCS;ARGS;DATA;TAGS")
  _bazel_package(package)
  list(LENGTH ARG_SRCS count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "sh_test ${ARG_NAME}: exactly one script in SRCS")
  endif()
  set(args "")
  foreach(arg IN LISTS ARG_ARGS)
    while(arg MATCHES "\\$\\(location ([^)]+)\\)")
      set(label "${CMAKE_MATCH_1}")
      _bazel_location("${label}" "${package}" location)
      string(REPLACE "$(location ${label})" "${location}" arg "${arg}")
      if(location_is_target)
        _bazel_label_to_target("${label}" "${package}" located)
        set_property(GLOBAL APPEND PROPERTY BAZEL_LOCATED_TARGETS "${located}")
      endif()
    endwhile()
    list(APPEND args "${arg}")
  endforeach()
  file(RELATIVE_PATH script "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/${ARG_SRCS}")
  if(NOT EXISTS "${PROJECT_SOURCE_DIR}/${script}")
    message(FATAL_ERROR "sh_test ${ARG_NAME}: ${script} does not exist")
  endif()
  set_property(GLOBAL APPEND PROPERTY BAZEL_SH_TEST_SCRIPTS "${script}")
  _bazel_add_test("${package}" "${ARG_NAME}" "${ARG_SIZE}" "${ARG_TAGS}" bash "${script}" ${args})
endfunction()

# The deps of `target` and of its deps, once each.
function(_bazel_transitive_deps target out)
  set(seen "")
  set(queue "${target}")
  while(queue)
    list(POP_FRONT queue current)
    if(NOT TARGET "${current}")
      continue()
    endif()
    get_target_property(deps "${current}" BAZEL_DEPS)
    if(NOT deps)
      continue()
    endif()
    foreach(dep IN LISTS deps)
      if(NOT dep IN_LIST seen)
        list(APPEND seen "${dep}")
        list(APPEND queue "${dep}")
      endif()
    endforeach()
  endwhile()
  set(${out} "${seen}" PARENT_SCOPE)
endfunction()

# Every target of the build, in every directory.
function(_bazel_all_targets directory out)
  get_property(targets DIRECTORY "${directory}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirectories DIRECTORY "${directory}" PROPERTY SUBDIRECTORIES)
  foreach(subdirectory IN LISTS subdirectories)
    _bazel_all_targets("${subdirectory}" more)
    list(APPEND targets ${more})
  endforeach()
  set(${out} "${targets}" PARENT_SCOPE)
endfunction()

function(_bazel_is_alwayslink_archive target out)
  if(NOT TARGET "${target}")
    set(${out} FALSE PARENT_SCOPE)
    return()
  endif()
  get_target_property(type "${target}" TYPE)
  get_target_property(alwayslink "${target}" BAZEL_ALWAYSLINK)
  if(alwayslink AND type STREQUAL "STATIC_LIBRARY")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# Links every rule to its deps, puts runfiles in place and writes the source manifest that
# tools/check_build_sources.sh compares with Bazel's.
#
# An ALWAYSLINK archive must reach the linker exactly once, inside --whole-archive: CMake 3.25
# repeats static libraries on a link line, and a repeated whole archive is a duplicate
# definition. So libraries depend on `<archive>.usage` (an interface target with the archive's
# own dependencies), and each binary (and shared library) links every ALWAYSLINK archive of
# its transitive deps once, with $<LINK_LIBRARY:WHOLE_ARCHIVE,...>.
function(bazel_rules_finalize)
  get_property(rules GLOBAL PROPERTY BAZEL_RULE_TARGETS)
  # The manifest: every source file of every target ("path target", paths relative to the
  # workspace root), and every sh_test script. Written first, so that the check can name the
  # files of a half-mirrored package even when a dependency below is missing.
  _bazel_all_targets("${PROJECT_SOURCE_DIR}" targets)
  set(manifest "")
  foreach(target IN LISTS targets)
    get_target_property(source_dir "${target}" SOURCE_DIR)
    set(files "")
    foreach(property SOURCES HEADER_SET INTERFACE_HEADER_SET)
      get_target_property(values "${target}" ${property})
      if(values)
        list(APPEND files ${values})
      endif()
    endforeach()
    foreach(file IN LISTS files)
      if(NOT IS_ABSOLUTE "${file}")
        set(file "${source_dir}/${file}")
      endif()
      file(RELATIVE_PATH file "${PROJECT_SOURCE_DIR}" "${file}")
      string(APPEND manifest "${file} ${target}\n")
    endforeach()
  endforeach()
  get_property(scripts GLOBAL PROPERTY BAZEL_SH_TEST_SCRIPTS)
  foreach(script IN LISTS scripts)
    string(APPEND manifest "${script} sh_test\n")
  endforeach()
  file(WRITE "${CMAKE_BINARY_DIR}/bazel_rules_sources.txt" "${manifest}")

  foreach(target IN LISTS rules)
    get_target_property(label "${target}" BAZEL_LABEL)
    get_target_property(deps "${target}" BAZEL_DEPS)
    foreach(dep IN LISTS deps)
      if(NOT TARGET "${dep}")
        message(SEND_ERROR "${label}: no rule for the dependency '${dep}' (a label without a "
                           "rule in the CMakeLists.txt of its directory?)")
      endif()
    endforeach()
    _bazel_is_alwayslink_archive("${target}" archive)
    if(archive)
      add_library("${target}.usage" INTERFACE)
      target_compile_definitions("${target}.usage" INTERFACE
        "$<TARGET_PROPERTY:${target},INTERFACE_COMPILE_DEFINITIONS>")
    endif()
  endforeach()

  foreach(target IN LISTS rules)
    get_target_property(type "${target}" TYPE)
    get_target_property(deps "${target}" BAZEL_DEPS)
    get_target_property(linkopts "${target}" BAZEL_LINKOPTS)
    if(type STREQUAL "INTERFACE_LIBRARY")
      set(scope INTERFACE)
    elseif(type STREQUAL "STATIC_LIBRARY")
      set(scope PUBLIC)
    else()
      set(scope PRIVATE)
    endif()
    set(links "")
    foreach(dep IN LISTS deps)
      if(NOT TARGET "${dep}")
        continue()  # reported above
      endif()
      _bazel_is_alwayslink_archive("${dep}" archive)
      if(archive)
        list(APPEND links "${dep}.usage")
      else()
        list(APPEND links "${dep}")
      endif()
    endforeach()
    list(APPEND links ${linkopts})
    if(NOT scope STREQUAL "PRIVATE")
      # A library's own link line is its users' (no archive is ever linked by itself).
      target_link_libraries("${target}" ${scope} ${links})
      _bazel_is_alwayslink_archive("${target}" archive)
      if(archive)
        target_link_libraries("${target}.usage" INTERFACE ${links})
      endif()
      continue()
    endif()
    _bazel_transitive_deps("${target}" closure)
    set(whole "")
    foreach(dep IN LISTS closure)
      _bazel_is_alwayslink_archive("${dep}" archive)
      if(archive)
        list(APPEND whole "$<LINK_LIBRARY:WHOLE_ARCHIVE,${dep}>")
      endif()
    endforeach()
    target_link_libraries("${target}" PRIVATE ${whole} ${links})
  endforeach()

  get_property(located GLOBAL PROPERTY BAZEL_LOCATED_TARGETS)
  foreach(target IN LISTS located)
    if(NOT TARGET "${target}")
      message(SEND_ERROR "$(location): no binary '${target}'")
    endif()
  endforeach()

  # Runfiles: a binary finds the data targets of its deps in <binary>.runfiles/<workspace>/,
  # a symlink made by the target <binary target>.runfiles, which the binary depends on.
  foreach(target IN LISTS rules)
    get_target_property(type "${target}" TYPE)
    if(NOT type STREQUAL "EXECUTABLE")
      continue()
    endif()
    get_target_property(label "${target}" BAZEL_LABEL)
    string(REGEX REPLACE "^//([^:]*):(.*)$" "${CMAKE_BINARY_DIR}/\\1/\\2" binary "${label}")
    _bazel_transitive_deps("${target}" closure)
    set(links "")
    foreach(holder IN LISTS target closure)
      get_target_property(data "${holder}" BAZEL_DATA)
      if(NOT data)
        continue()
      endif()
      foreach(datum IN LISTS data)
        if(NOT TARGET "${datum}")
          message(SEND_ERROR "${holder}: no rule for the data '${datum}'")
          continue()
        endif()
        get_target_property(source_files "${datum}" BAZEL_SOURCE_FILES)
        if(source_files)
          continue()
        endif()
        get_target_property(datum_label "${datum}" BAZEL_LABEL)
        string(REGEX REPLACE "^//([^:]*):(.*)$" "\\1/\\2" datum_path "${datum_label}")
        string(REGEX REPLACE "^/" "" datum_path "${datum_path}")
        set(link "${binary}.runfiles/${BAZEL_WORKSPACE_NAME}/${datum_path}")
        if(link IN_LIST links)
          continue()
        endif()
        get_filename_component(link_dir "${link}" DIRECTORY)
        add_custom_command(OUTPUT "${link}"
          COMMAND "${CMAKE_COMMAND}" -E make_directory "${link_dir}"
          COMMAND "${CMAKE_COMMAND}" -E rm -f "${link}"
          COMMAND "${CMAKE_COMMAND}" -E create_symlink "$<TARGET_FILE:${datum}>" "${link}"
          DEPENDS "${datum}"
          COMMENT "Runfiles of ${label}: ${datum_path}"
          VERBATIM)
        list(APPEND links "${link}")
      endforeach()
    endforeach()
    if(links)
      add_custom_target("${target}.runfiles" ALL DEPENDS ${links})
      add_dependencies("${target}" "${target}.runfiles")
    endif()
  endforeach()

endfunction()
