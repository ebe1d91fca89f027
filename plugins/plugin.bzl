"""plugin_family: every plugin of a family directory in one library, found by glob.

In a family directory (initializers/, optimizers/, schedulers/, residuals/) every .cc file
without a header beside it is a plugin: it registers itself from a static initialiser that
nothing references, so the library is always linked whole (a plain cc_library would be dropped
by the static linker and the plugin silently missing). A .cc file with a header beside it is a
helper the plugins share, declared as its own cc_library. Adding a plugin is adding its .cc
file; nothing else changes:

    load("//plugins:plugin.bzl", "plugin_family")

    plugin_family(
        name = "all",
        deps = [":fairseq_init", "//plugins:initializer"],   # what the plugins include
    )

cmake/bazel_rules.cmake's plugin_family() follows the same rule.
"""

def plugin_family(name, deps, **kwargs):
    helpers = [header[:-len(".h")] + ".cc" for header in native.glob(["*.h"])]
    sources = native.glob(["*.cc"], exclude = helpers)
    if not sources:
        fail("plugin_family %s: no plugin source (*.cc without a header) in this directory" % name)
    native.cc_library(
        name = name,
        srcs = sources,
        deps = deps,
        alwayslink = True,
        **kwargs
    )

    # The plugin sources themselves, for the test that every one of them is registered.
    native.filegroup(
        name = name + "_sources",
        srcs = sources,
    )
