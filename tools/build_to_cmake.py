#!/usr/bin/env python3
"""Writes the CMakeLists.txt that mirrors a package's BUILD file (cmake/bazel_rules.cmake).

    tools/build_to_cmake.py tools/sweep           # writes tools/sweep/CMakeLists.txt
    tools/build_to_cmake.py --check core tests   # exits 1 if a CMakeLists.txt differs
    tools/build_to_cmake.py --all                # every package with a BUILD file

Every package's CMakeLists.txt is generated: it reads the BUILD file's cc_library, cc_binary,
cc_test, sh_test and plugin_family rules (anything else that builds C++ is an
error) and writes them in CMake syntax (cmake/bazel_rules.cmake). The test
//tests:build_to_cmake_test runs --check; tools/check_build_sources.sh compares what the two
builds compile.
"""
import argparse
import glob as globlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = ["cc_library", "cc_binary", "cc_test", "sh_test", "plugin_family"]
LISTS = [("srcs", "SRCS"), ("hdrs", "HDRS"), ("deps", "DEPS"), ("copts", "COPTS"),
         ("defines", "DEFINES"), ("linkopts", "LINKOPTS"), ("args", "ARGS"), ("data", "DATA"),
         ("tags", "TAGS")]
FLAGS = [("alwayslink", "ALWAYSLINK"), ("linkshared", "LINKSHARED"),
         ("linkstatic", "LINKSTATIC"), ("testonly", "TESTONLY")]
KNOWN = {"name", "visibility", "size"} | {k for k, _ in LISTS + FLAGS}


def read_rules(package):
    rules = []
    directory = os.path.join(ROOT, package)

    def record(kind):
        def rule(**kwargs):
            unknown = set(kwargs) - KNOWN
            if unknown:
                sys.exit(f"{package}/BUILD: {kind} {kwargs.get('name')}: cannot mirror "
                         f"{sorted(unknown)}; extend tools/build_to_cmake.py and "
                         "cmake/bazel_rules.cmake")
            rules.append((kind, kwargs))
        return rule

    def glob(include, exclude=(), **_):
        found = set()
        for pattern in include:
            found.update(os.path.relpath(p, directory)
                         for p in globlib.glob(os.path.join(directory, pattern), recursive=True))
        for pattern in exclude:
            found.difference_update(os.path.relpath(p, directory) for p in
                                    globlib.glob(os.path.join(directory, pattern), recursive=True))
        return sorted(found)

    def ignore(*_, **__):
        return None

    scope = {kind: record(kind) for kind in RULES}
    scope.update(load=ignore, package=ignore, exports_files=ignore, alias=ignore,
                 filegroup=ignore, glob=glob)
    with open(os.path.join(directory, "BUILD")) as build:
        exec(compile(build.read(), f"{package}/BUILD", "exec"), scope)  # noqa: S102
    return rules


def quote(value):
    return f'"{value}"' if any(c in value for c in ' ()$;#"\\') else value


def cmake_text(package, rules):
    out = [f"# Generated from {package}/BUILD by tools/build_to_cmake.py: do not edit; change the "
           "BUILD file\n# and run `tools/build_to_cmake.py --all` (a test fails while the two "
           "differ).\n"]
    for kind, kwargs in rules:
        lines = [f"  NAME {kwargs['name']}"]
        for key, keyword in LISTS:
            values = list(kwargs.get(key) or [])
            if key == "data":  # source files are in the workspace root, where tests run
                values = [v for v in values if v.startswith((":", "//", "@"))]
            if not values:
                continue
            line = f"  {keyword} " + " ".join(quote(v) for v in values)
            if len(line) <= 98:
                lines.append(line)
            else:
                lines.append(f"  {keyword}")
                lines.extend(f"    {quote(v)}" for v in values)
        if kwargs.get("size"):
            lines.append(f"  SIZE {kwargs['size']}")
        lines.extend(f"  {keyword}" for key, keyword in FLAGS if kwargs.get(key))
        out.append(f"{kind}(\n" + "\n".join(lines) + "\n)\n")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", help="package directories, e.g. tools/sweep")
    parser.add_argument("--all", action="store_true",
                        help="every directory with a BUILD file (third_party/ aside)")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    packages = list(args.packages)
    if args.all:
        for directory, subdirectories, files in os.walk(ROOT):
            relative = os.path.relpath(directory, ROOT)
            subdirectories[:] = sorted(
                d for d in subdirectories
                if not d.startswith((".", "bazel-", "build-")) and d not in ("third_party",)
                and not os.path.islink(os.path.join(directory, d)))
            if relative != "." and "BUILD" in files:
                packages.append(relative)
    if not packages:
        parser.error("name the packages, or --all")
    status = 0
    for package in packages:
        package = package.strip("/")
        text = cmake_text(package, read_rules(package))
        path = os.path.join(ROOT, package, "CMakeLists.txt")
        if args.check:
            current = open(path).read() if os.path.exists(path) else ""
            if current != text:
                print(f"{package}/CMakeLists.txt differs from what {package}/BUILD gives")
                status = 1
        else:
            with open(path, "w") as out:
                out.write(text)
            print(f"wrote {package}/CMakeLists.txt")
    return status


if __name__ == "__main__":
    sys.exit(main())
